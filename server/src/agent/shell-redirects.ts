// Redirects as bash reads them. tree-sitter-bash hangs more onto a redirect node than the redirect
// itself: in `git diff 2>/dev/null --no-index x` the words after /dev/null are extra `destination`
// children of the redirect, and a heredoc start carries the words, redirects, `&& next` and
// `| next` that follow it on its line. In bash each such word is an argument of the simple
// command, wherever the redirect stands, and the statements are commands of their own. This
// module takes a redirect node apart so that shell-parse.ts can put every piece where bash does.
import type { Node } from "web-tree-sitter";
import type { Redirect } from "./shell-parse";
import { containsExpansion, resolveWord } from "./shell-words";

export const REDIRECT_TYPES = new Set(["file_redirect", "heredoc_redirect", "herestring_redirect"]);

export interface RedirectParts {
  redirect: Redirect;
  /** Where the redirect starts (`{fd}>` is a descriptor assignment when a word ends right here). */
  start: number;
  /** Words that bash reads as arguments of the command. */
  words: Node[];
  /** Statements that follow on a heredoc's line (`<<EOF && next`, `<<EOF | next`). */
  statements: Node[];
  /** The nodes of the redirect itself (descriptor, target, heredoc body), to search for substitutions. */
  own: Node[];
}

/** The redirect and the redirects nested in it (a heredoc start's `> f`), in source order. */
export function redirectParts(node: Node): RedirectParts[] {
  const descriptor = node.childForFieldName("descriptor");
  const fd = descriptor?.text;
  const withFd = (redirect: Omit<Redirect, "fd">): Redirect => ({ ...redirect, ...(fd !== undefined ? { fd } : {}) });
  if (node.type === "heredoc_redirect") return heredocParts(node, descriptor, withFd);

  const destinations = node.type === "file_redirect" ? node.childrenForFieldName("destination").filter((c): c is Node => !!c) : node.namedChildren.filter((c): c is Node => !!c && c.type !== "file_descriptor");
  // The operator: the anonymous tokens before the first destination (">", "&>", ">&", ">&-", "<<<", ...).
  const op = node.children
    .filter((c): c is Node => !!c && !c.isNamed && (destinations[0] === undefined || c.startIndex < destinations[0].startIndex))
    .map((c) => c.type)
    .join("");
  // `>&-` and `<&-` close a descriptor and take no target: what tree-sitter calls their destination is a word.
  const targets = op.endsWith("-") ? [undefined, ...destinations] : destinations;
  const target = targets[0];
  const resolved = target ? resolveWord(target) : undefined;
  const own = [descriptor, target].filter((c): c is Node => !!c);
  return [
    {
      redirect: withFd({
        op,
        target: resolved?.value ?? "",
        dynamic: own.some(containsExpansion) || (resolved ? !resolved.static : op !== ">&-" && op !== "<&-"),
      }),
      start: node.startIndex,
      words: targets.slice(1).filter((c): c is Node => !!c),
      statements: [],
      own,
    },
  ];
}

function heredocParts(node: Node, descriptor: Node | null, withFd: (redirect: Omit<Redirect, "fd">) => Redirect): RedirectParts[] {
  const start = node.namedChildren.find((c) => c?.type === "heredoc_start");
  const body = node.namedChildren.find((c) => c?.type === "heredoc_body");
  const op = node.children.find((c) => c && (c.type === "<<" || c.type === "<<-"))?.type ?? "<<";
  const delimiter = start?.text ?? "";
  // An unquoted delimiter means the body is expanded: `$…` and backticks in it run at run time
  // (tree-sitter does not parse backticks in a heredoc body, so they cannot be listed).
  const expanded = !/['"\\]/.test(delimiter);
  const own = [descriptor, start, body].filter((c): c is Node => !!c);
  const dynamic = /[$`]/.test(delimiter) || own.some(containsExpansion) || (expanded && /[$`]/.test(body?.text ?? ""));
  const parts: RedirectParts = {
    redirect: withFd({ op, target: delimiter, dynamic }),
    start: node.startIndex,
    words: node.childrenForFieldName("argument").filter((c): c is Node => !!c),
    statements: [node.childForFieldName("right"), ...node.namedChildren.filter((c) => c?.type === "pipeline")].filter((c): c is Node => !!c),
    own,
  };
  const nested = node.childrenForFieldName("redirect").filter((c): c is Node => !!c && REDIRECT_TYPES.has(c.type)).flatMap(redirectParts);
  return [parts, ...nested];
}
