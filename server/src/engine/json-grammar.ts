// A JSON-schema grammar that callers outside engine/ can hold without importing node-llama-cpp:
// sampling under it can only produce text that parses and matches the schema.
import { LlamaGrammarEvaluationState, type Llama, type LlamaJsonSchemaGrammar, type LlamaModel } from "node-llama-cpp";

export class JsonGrammar {
  private constructor(private readonly grammar: LlamaJsonSchemaGrammar<never>) {}

  /** `schema` is a JSON schema in the subset node-llama-cpp supports (objects, oneOf, const, enum, maxLength...). */
  static async create(llama: Llama, schema: object): Promise<JsonGrammar> {
    return new JsonGrammar((await llama.createGrammarForJsonSchema(schema as never)) as LlamaJsonSchemaGrammar<never>);
  }

  /** Parses and validates against the schema; throws when the text does not match. */
  parse(text: string): unknown {
    return this.grammar.parse(text);
  }

  /** A fresh sampling state: one per generation. */
  evaluationState(model: LlamaModel): LlamaGrammarEvaluationState {
    return new LlamaGrammarEvaluationState({ model, grammar: this.grammar });
  }
}
