/**
 * Seeded random GraphQL requests for the schema: documents that are valid,
 * nearly valid (unknown fields, wrong argument types, missing selections,
 * cyclic or unknown fragments, cut-off text) and variables of the right and
 * the wrong types. Every one must get a coded answer, never a 500.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { Random } from "../../random/random.js";

export interface FuzzRequest {
  query: string;
  variables?: Record<string, unknown>;
}

export class GraphqlFuzzer {
  private readonly random: Random;
  private variables: { name: string; type: string; value: unknown }[] = [];
  private fragments: { name: string; on: string; body: string }[] = [];

  constructor(private readonly schema: GraphQLSchema, seed: number) {
    this.random = new Random(seed);
  }

  private int(n: number): number {
    return Math.floor(this.random.next() * n);
  }

  private chance(p: number): boolean {
    return this.random.next() < p;
  }

  private pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)];
  }

  private wildValue(): unknown {
    return this.pick<unknown>([null, 0, -1, 1, 2 ** 31, 1e308, -1e308, 0.5, "", "x", "1", "NaN", true, [], [1, "a"], {}, { a: 1 }, "a".repeat(this.int(300))]);
  }

  /** A literal for an input type: usually of the right type, sometimes not. */
  private literal(type: GraphQLInputType, depth = 0): string {
    if (this.chance(0.08)) return this.pick(["null", "1", "-7", "3.5", '"s"', "true", "[1, 2]", "{ a: 1 }", "RED", "99999999999"]);
    if (isNonNullType(type)) return this.literal(type.ofType, depth);
    if (isListType(type)) {
      const n = this.int(4);
      return `[${Array.from({ length: n }, () => this.literal(type.ofType, depth + 1)).join(", ")}]`;
    }
    if (isEnumType(type)) return this.pick(type.getValues()).name;
    if (isInputObjectType(type)) {
      if (depth > 3) return "{}";
      const fields = Object.values(type.getFields()).filter(() => this.chance(0.6));
      return `{ ${fields.map((f) => `${f.name}: ${this.literal(f.type, depth + 1)}`).join(", ")} }`;
    }
    switch (type.name) {
      case "Int":
        return String(this.pick([0, 1, 2, 3, 5, 10, 50, 64, 500, 501, -1, 288, 4620, 2 ** 31 - 1]));
      case "Float":
        return String(this.pick([0, 0.5, 1, 10, 45, 90, -90, 180, 359.9, 360, -1, 1e-9, 1e300]));
      case "Boolean":
        return this.pick(["true", "false"]);
      case "ID":
        return this.pick(['"1"', '"2"', '"999999"', '"x"', '"-1"', "1", '""']);
      case "String":
        return this.pick(['""', '"abc"', '"Y3Vyc29y"', '"' + "z".repeat(this.int(200)) + '"']);
      default:
        return this.pick(['"{}"', "{}", "1", '"x"']);
    }
  }

  private argument(name: string, type: GraphQLInputType): string {
    if (this.chance(0.25)) {
      const variable = `v${this.variables.length}`;
      const typeText = this.chance(0.9) ? String(type) : this.pick(["Int", "String", "[Int]", "Boolean!"]);
      const value = this.chance(0.5) ? JSON.parse(JSON.stringify(this.jsonValue(type, 0))) : this.wildValue();
      this.variables.push({ name: variable, type: typeText, value });
      return `${name}: $${variable}`;
    }
    return `${name}: ${this.literal(type)}`;
  }

  /** A JSON variable value of (mostly) the input type. */
  private jsonValue(type: GraphQLInputType, depth: number): unknown {
    if (isNonNullType(type)) return this.jsonValue(type.ofType, depth);
    if (isListType(type)) return Array.from({ length: this.int(4) }, () => this.jsonValue(type.ofType, depth + 1));
    if (isEnumType(type)) return this.pick(type.getValues()).name;
    if (isInputObjectType(type)) {
      if (depth > 3) return {};
      return Object.fromEntries(Object.values(type.getFields()).filter(() => this.chance(0.6)).map((f) => [f.name, this.jsonValue(f.type, depth + 1)]));
    }
    if (isScalarType(type) && ["Int", "Float"].includes(type.name)) return this.pick([0, 1, 3, 50, 500, -5, 0.25, 1e9]);
    if (isScalarType(type) && type.name === "Boolean") return this.chance(0.5);
    return this.pick(["1", "2", "abc", ""]);
  }

  private selection(type: GraphQLNamedType, depth: number): string {
    if (!isObjectType(type) && !isInterfaceType(type)) return "__typename";
    const fields = Object.values(type.getFields());
    const parts: string[] = [];
    const count = 1 + this.int(4);
    for (let k = 0; k < count; k++) {
      if (this.chance(0.03)) {
        parts.push(this.pick(["unknownField", "id { x }", "__typename", "...Missing"]));
        continue;
      }
      if (this.fragments.length > 0 && this.chance(0.1)) {
        parts.push(`...${this.pick(this.fragments).name}`);
        continue;
      }
      const field = this.pick(fields);
      const alias = this.chance(0.2) ? `a${this.int(1000)}: ` : "";
      const args = field.args.filter(() => this.chance(0.5)).map((a) => this.argument(a.name, a.type));
      const named = getNamedType(field.type);
      let sub = "";
      if (isObjectType(named) || isInterfaceType(named)) {
        if (depth < 6 && !this.chance(0.03)) sub = ` { ${this.selection(named, depth + 1)} }`;
      } else if (this.chance(0.02)) {
        sub = " { id }";
      }
      parts.push(`${alias}${field.name}${args.length ? `(${args.join(", ")})` : ""}${sub}`);
    }
    return parts.join(" ");
  }

  next(): FuzzRequest {
    this.variables = [];
    this.fragments = [];
    const query = this.schema.getQueryType()!;
    const mutation = this.schema.getMutationType();
    const root = mutation && this.chance(0.1) ? mutation : query;
    // Fragments first (so selections may spread them), sometimes spreading each other in a cycle.
    const fragmentCount = this.chance(0.3) ? 1 + this.int(3) : 0;
    const types = Object.values(this.schema.getTypeMap()).filter((t) => isObjectType(t) && !t.name.startsWith("__"));
    for (let k = 0; k < fragmentCount; k++) {
      const on = this.chance(0.5) ? root : this.pick(types);
      this.fragments.push({ name: `F${k}`, on: on.name, body: "" });
    }
    for (const fragment of this.fragments) fragment.body = this.selection(this.schema.getType(fragment.on)!, 3);
    if (this.fragments.length >= 2 && this.chance(0.3)) {
      this.fragments[0].body += ` ...F1`;
      this.fragments[1].body += ` ...F0`;
    }
    const body = this.selection(root, 0);
    const definitions = this.variables.length ? `(${this.variables.map((v) => `$${v.name}: ${v.type}`).join(", ")})` : "";
    let text = `${root === query ? "query" : "mutation"} Q${definitions} { ${body} } ${this.fragments.map((f) => `fragment ${f.name} on ${f.on} { ${f.body} }`).join(" ")}`;
    if (this.chance(0.05)) text = text.slice(0, this.int(text.length));
    if (this.chance(0.03)) text = text.replace("{", "{{");
    const variables = Object.fromEntries(this.variables.filter(() => this.chance(0.9)).map((v) => [v.name, v.value]));
    return { query: text, variables };
  }
}
