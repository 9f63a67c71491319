/**
 * The GraphQL types of hyperparameters, generated from the learner registry
 * (models/training/learners.ts) — names, types, descriptions and defaults
 * all come from each learner's parameter table, so they cannot drift:
 *
 * - per learner, a grid input (`GbdtGridInput`, …: lists of values to try,
 *   each defaulting to the registry default) and a typed output
 *   (`GbdtHyperparameters`, …), joined by the `HyperparameterGrid` @oneOf
 *   input and the `Hyperparameters` union;
 * - the deprecated flat `HyperparameterGridInput` (every learner's fields in
 *   one input), kept for old clients.
 *
 * test/learner-registry.test.ts checks the built schema against the registry.
 */
import { createUnionType, Field, Float, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { describeDefault, describeDomain, gridParametersOf, type Hyperparameters as Point, type LearnerKind, type Parameter } from "../models/learner.js";
import { learners } from "../models/training/learners.js";
import { PredictorKind } from "./PredictorEnums.js";

/** DECISION_TREE → DecisionTree; decisionTree for the field. */
export const pascalOf = (kind: string) => kind.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
export const fieldOf = (kind: string) => pascalOf(kind).replace(/^./, (c) => c.toLowerCase());

/** Learners with at least one hyperparameter (a GraphQL input needs a field): all but CONSTANT. */
export const tunableKinds = (Object.keys(learners) as LearnerKind[]).filter((k) => Object.keys(learners[k].parameters).length > 0);

/** A choice parameter's GraphQL enum (`CnnArchitectureValue`: COMPACT = "compact", VGG12 = "vgg12"). */
const enums = new Map<string, object>();
function enumOf(kind: LearnerKind, name: string, parameter: Parameter & { type: "choice" }): object {
  const enumName = `${pascalOf(kind)}${name[0].toUpperCase()}${name.slice(1)}Value`;
  let values = enums.get(enumName);
  if (!values) {
    values = Object.fromEntries(parameter.choices.map((c) => [c.toUpperCase().replace(/[^A-Z0-9_]/g, "_"), c]));
    registerEnumType(values, { name: enumName, description: `${kind} \`${name}\`: ${parameter.choices.join(", ")}.` });
    enums.set(enumName, values);
  }
  return values;
}

function scalarOf(kind: LearnerKind, name: string, parameter: Parameter): object {
  if (parameter.type === "choice") return enumOf(kind, name, parameter);
  return parameter.type === "integer" ? Int : Float;
}

/** The description every generated field of a parameter carries: meaning, domain, default. */
export function parameterDescription(parameter: Parameter): string {
  return `${parameter.doc} Domain ${describeDomain(parameter)}. Default ${describeDefault(parameter)}.`;
}

/** The GraphQL default of a grid field: the registry default as a one-value list (none where it depends on another parameter). */
export function gridDefaultOf(parameter: Parameter): (number | string)[] | undefined {
  return parameter.type !== "choice" && parameter.defaultWhen ? undefined : [parameter.default];
}

function namedClass(name: string): new () => object {
  return { [name]: class {} }[name];
}

/** Per learner: the grid input class. */
export const gridInputs = new Map<LearnerKind, new () => object>();
for (const kind of tunableKinds) {
  const cls = namedClass(`${pascalOf(kind)}GridInput`);
  for (const [name, parameter] of Object.entries(gridParametersOf(learners[kind].parameters))) {
    const type = scalarOf(kind, name, parameter);
    // A field with a default is non-null (the API's rule: omit it for the default; null is refused).
    const defaultValue = gridDefaultOf(parameter);
    Field(() => [type], { nullable: defaultValue === undefined, description: `Values to try. ${parameterDescription(parameter)}`, defaultValue })(cls.prototype, name);
  }
  InputType(`${pascalOf(kind)}GridInput`, { description: `${kind}: values to try per hyperparameter (the grid is their Cartesian product, searched by k-fold CV); a field left out takes its default. ${learners[kind].doc}` })(cls);
  gridInputs.set(kind, cls);
}

/** Names of the generated inputs that are @oneOf (server/schema.ts sets graphql-js's isOneOf on them; type-graphql cannot). */
export const ONE_OF_INPUTS = ["HyperparameterGrid"];

/** Exactly one learner's grid: `{ gbdt: { numIterations: [200, 500] } }`. */
export const HyperparameterGrid = namedClass("HyperparameterGrid");
for (const kind of tunableKinds) {
  Field(() => gridInputs.get(kind)!, { nullable: true, description: `The grid of a ${kind} (kind must be ${kind}).` })(HyperparameterGrid.prototype, fieldOf(kind));
}
InputType("HyperparameterGrid", {
  description: "The hyperparameter grid of one learner (@oneOf: give exactly one field, the one of the run's kind); a learner's fields are its own, so parameters of another learner cannot be given. CONSTANT has none.",
})(HyperparameterGrid);
export type HyperparameterGridValue = Partial<Record<string, Record<string, (number | string)[] | null | undefined> | null>>;

/** Per learner: the typed output of one grid point. */
export const outputTypes = new Map<LearnerKind, new () => object>();
for (const kind of Object.keys(learners) as LearnerKind[]) {
  const name = `${pascalOf(kind)}Hyperparameters`;
  const cls = namedClass(name);
  Field(() => PredictorKind, { description: "The learner these belong to." })(cls.prototype, "learner");
  for (const [param, parameter] of Object.entries(learners[kind].parameters)) {
    const type = scalarOf(kind, param, parameter);
    Field(() => type, { nullable: true, description: `${parameterDescription(parameter)} Null when the run did not record it.` })(cls.prototype, param);
  }
  ObjectType(name, { description: `The hyperparameters of one ${kind} grid point.` })(cls);
  outputTypes.set(kind, cls);
}

export const Hyperparameters = createUnionType({
  name: "Hyperparameters",
  description: "One grid point's hyperparameters, typed per learner (`... on GbdtHyperparameters { numIterations learningRate }`).",
  types: () => [...outputTypes.values()] as never,
  resolveType: (value: { learner: string }) => `${pascalOf(value.learner)}Hyperparameters`,
});

/** A stored grid point as its typed output: the registry's parameters only, null where not recorded. */
export function typedHyperparameters(kind: LearnerKind, point: Point | Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { learner: kind };
  for (const name of Object.keys(learners[kind].parameters)) out[name] = point[name] ?? null;
  return out;
}

@ObjectType({ description: "The hyperparameters an ensemble member (`image`, `spectrum` or `image+spectrum`) was trained with." })
export class MemberHyperparameters {
  @Field(() => String)
  member!: string;

  @Field(() => Hyperparameters)
  parameters!: Record<string, unknown>;
}

export function memberHyperparameters(kind: LearnerKind, byMember: Record<string, unknown> | null): MemberHyperparameters[] | null {
  if (!byMember) return null;
  return Object.entries(byMember).map(([member, point]) => ({ member, parameters: typedHyperparameters(kind, point as Point) }));
}

/** The deprecated flat input: every learner's parameters in one object, each described per learner from the registry. */
export const HyperparameterGridInput = namedClass("HyperparameterGridInput");
{
  const byName = new Map<string, { kind: LearnerKind; parameter: Parameter }[]>();
  for (const kind of tunableKinds) {
    for (const [name, parameter] of Object.entries(gridParametersOf(learners[kind].parameters))) byName.set(name, [...(byName.get(name) ?? []), { kind, parameter }]);
  }
  for (const [name, uses] of byName) {
    const types = new Set(uses.map((u) => u.parameter.type));
    if (types.size > 1) throw new Error(`hyperparameter ${name} has different types in ${uses.map((u) => u.kind).join(", ")}; give it another name`);
    const first = uses[0].parameter;
    const type = first.type === "choice" ? String : first.type === "integer" ? Int : Float;
    const description = uses.map((u) => `${u.kind}: ${parameterDescription(u.parameter)}`).join(" ");
    Field(() => [type], { nullable: true, description })(HyperparameterGridInput.prototype, name);
  }
  InputType("HyperparameterGridInput", {
    description: "Deprecated (use HyperparameterGrid): values to try for each hyperparameter of any learner; the grid is their Cartesian product (searched by k-fold CV). Leave a field out for its default. Only the fields of the chosen kind are accepted.",
  })(HyperparameterGridInput);
}
