// Sentences a developer might dictate, spoken by espeak-ng. English uses the en-us voice. Debian's
// espeak-ng Mandarin dictionary is the small one (its `cmn` voice reads most characters as
// tone-numbered pinyin spelled out in English: "qing3" as "king three"), so Mandarin is spoken
// from tone-numbered pinyin by `cmn-latn-pinyin`, which pronounces it properly; the reference is
// the Chinese text. A mixed sentence joins Mandarin and English (en-us) parts, as a person
// switching language mid-sentence does.
// espeak's voice is robotic; the numbers measure the pipeline on it, not on a person.
export interface VoiceSample {
  id: string;
  kind: "en" | "zh" | "mixed";
  /** What was said, as the transcript should read. */
  text: string;
  /** What espeak-ng speaks, part by part: [voice, words]. */
  parts: [voice: string, words: string][];
}

const zh = (words: string): [string, string] => ["cmn-latn-pinyin", words];
const en = (words: string): [string, string] => ["en-us", words];

export const VOICE_CORPUS: readonly VoiceSample[] = [
  { id: "en-settings", kind: "en", text: "Please open the settings file and add a new test for the parser.", parts: [en("Please open the settings file and add a new test for the parser.")] },
  { id: "en-rename", kind: "en", text: "Rename this function and update every place that calls it.", parts: [en("Rename this function and update every place that calls it.")] },
  { id: "en-build", kind: "en", text: "Why does the build fail when I run the tests on Windows?", parts: [en("Why does the build fail when I run the tests on Windows?")] },
  { id: "zh-settings", kind: "zh", text: "请打开设置文件，然后添加一个新的测试。", parts: [zh("qing3 da3kai1 she4zhi4 wen2jian4, ran2hou4 tian1jia1 yi2 ge4 xin1 de ce4shi4.")] },
  { id: "zh-rename", kind: "zh", text: "把这个函数重新命名，并且更新所有调用它的地方。", parts: [zh("ba3 zhe4 ge4 han2shu4 chong2xin1 ming4ming2, bing4qie3 geng1xin1 suo3you3 diao4yong4 ta1 de di4fang1.")] },
  { id: "zh-build", kind: "zh", text: "为什么我运行测试的时候构建会失败？", parts: [zh("wei4shen2me wo3 yun4xing2 ce4shi4 de shi2hou4 gou4jian4 hui4 shi1bai4?")] },
  { id: "mixed-python", kind: "mixed", text: "我们明天用 Python 写一个测试。", parts: [zh("wo3men2 ming2tian1 yong4"), en("Python"), zh("xie3 yi2 ge4 ce4shi4.")] },
  { id: "mixed-bug", kind: "mixed", text: "请帮我修复 login 函数里面的 bug。", parts: [zh("qing3 bang1 wo3 xiu1fu4"), en("login"), zh("han2shu4 li3mian4 de"), en("bug.")] },
];
