/**
 * What an operation will cost before any resolver runs: its selection depth,
 * its field cost and the bytes its arrays will put in the response.
 *
 * - depth: the longest chain of nested selections (`{ a { b } }` is 1);
 *   introspection fields (`__schema`, `__type`, `__typename`) do not count.
 * - cost: each field 1, or its `complexity` extension (type-graphql's
 *   `complexity` option): a number is added to the children's cost, a
 *   function gets `{ args, childComplexity }` (connections multiply by `first`).
 * - bytes: what `image` and `spectrum` arrays produce — elements
 *   (bands × size², or bins) × the parts asked for (flux, sigma, mask,
 *   wavelength) × the form asked for (`values`: up to 20 bytes of JSON per
 *   number, `base64`: 4/3 of the raw bytes), multiplied by page sizes the
 *   same way as the cost (a complexity function is taken as linear in its
 *   children: the multiplier is f(1) − f(0)).
 *
 * Runs after standard validation, so fragments are acyclic and every field
 * exists. Each fragment is measured once per array context and reused, so
 * the work is linear in the document's size (no exponential fragment
 * expansion); nesting of fragment spreads is guarded by `MAX_NESTING`.
 */
import {
  getArgumentValues,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { imageSize, spectrumBins, ZOOM_LEVELS } from "../cube/zoom.js";

export interface Measure {
  depth: number;
  cost: number;
  bytes: number;
}

/** Deepest chain of nested selection sets, fragments included, walked before giving up. */
export const MAX_NESTING = 500;

export class NestingTooDeep extends Error {}

/** JSON characters of one number in `values` (float32 widened to double prints up to ~20). */
const VALUE_JSON_BYTES = 20;
/** A mask value prints as `0,` or `1,`. */
const MASK_VALUE_JSON_BYTES = 2;
const BAND_COUNT = 5;

type Complexity = number | ((options: { args: Record<string, unknown>; childComplexity: number }) => number);

/** Array elements of one `image` or `spectrum` field, from its arguments (clamped to the largest level). */
const ARRAY_PRODUCERS: Record<string, (args: Record<string, unknown>) => number> = {
  "Galaxy.image": (args) => {
    const size = typeof args.size === "number" ? args.size : imageSize(levelOf(args.zoom));
    const bands = Array.isArray(args.bands) ? args.bands.length : BAND_COUNT;
    const side = Math.min(Math.max(size, 0), imageSize(0));
    return Math.min(Math.max(bands, 0), BAND_COUNT) * side * side;
  },
  "Galaxy.spectrum": (args) => {
    const bins = typeof args.bins === "number" ? args.bins : spectrumBins(levelOf(args.zoom));
    return Math.min(Math.max(bins, 0), spectrumBins(0));
  },
};

/** Bytes per element of each array part (default float32). */
const ELEMENT_BYTES: Record<string, number> = { "Image.mask": 1, "Spectrum.mask": 1, "Spectrum.wavelength": 8 };

function levelOf(zoom: unknown): number {
  return typeof zoom === "number" && Number.isInteger(zoom) && zoom >= 0 && zoom < ZOOM_LEVELS ? zoom : 0;
}

/** Where in the response a selection set sits: inside an image/spectrum (elements) or one of its arrays (and element size). */
interface ArrayContext {
  elements: number;
  elementBytes: number;
}

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Measure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentMeasures = new Map<string, Measure>();
  let nesting = 0;

  function fieldOf(type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
    return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
  }

  function measureSet(selectionSet: SelectionSetNode, type: GraphQLNamedType, context: ArrayContext | undefined): Measure {
    if (++nesting > MAX_NESTING) throw new NestingTooDeep(`selections nested more than ${MAX_NESTING} deep`);
    const total: Measure = { depth: 0, cost: 0, bytes: 0 };
    const add = (m: Measure) => {
      total.depth = Math.max(total.depth, m.depth);
      total.cost += m.cost;
      total.bytes += m.bytes;
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith("__")) {
          // Introspection: cheap, bounded by the schema, and not counted in the depth.
          total.cost += 1;
          continue;
        }
        const field = fieldOf(type, name);
        if (!field) continue; // validation has reported it
        const args = getArgumentValues(field, selection, variables);
        const childType = getNamedType(field.type);
        const coordinate = `${type.name}.${name}`;
        let childContext = context;
        let ownBytes = 0;
        const producer = ARRAY_PRODUCERS[coordinate];
        if (producer) childContext = { elements: producer(args), elementBytes: 4 };
        else if (context && childType.name === "NumberArray") childContext = { elements: context.elements, elementBytes: ELEMENT_BYTES[coordinate] ?? 4 };
        else if (context && type.name === "NumberArray") {
          if (name === "values") ownBytes = context.elements * (context.elementBytes === 1 ? MASK_VALUE_JSON_BYTES : VALUE_JSON_BYTES);
          if (name === "base64") ownBytes = 4 * Math.ceil((context.elements * context.elementBytes) / 3);
        }
        const child = selection.selectionSet ? measureSet(selection.selectionSet, childType, childContext) : { depth: -1, cost: 0, bytes: 0 };
        const complexity = field.extensions?.complexity as Complexity | undefined;
        let cost: number;
        let multiplier = 1;
        if (typeof complexity === "function") {
          cost = complexity({ args, childComplexity: child.cost });
          multiplier = complexity({ args, childComplexity: 1 }) - complexity({ args, childComplexity: 0 });
        } else {
          cost = (typeof complexity === "number" ? complexity : 1) + child.cost;
        }
        add({ depth: child.depth + 1, cost, bytes: ownBytes + multiplier * child.bytes });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (on) add(measureSet(selection.selectionSet, on, context));
      } else {
        const name = selection.name.value;
        const key = `${name}|${context?.elements ?? ""}|${context?.elementBytes ?? ""}`;
        let measure = fragmentMeasures.get(key);
        if (!measure) {
          const fragment = fragments.get(name);
          const on = fragment && schema.getType(fragment.typeCondition.name.value);
          if (!fragment || !on) continue;
          measure = measureSet(fragment.selectionSet, on, context);
          fragmentMeasures.set(key, measure);
        }
        add(measure);
      }
    }
    nesting--;
    return total;
  }

  const root = schema.getRootType(operation.operation);
  if (!root) return { depth: 0, cost: 0, bytes: 0 };
  return measureSet(operation.selectionSet, root, undefined);
}
