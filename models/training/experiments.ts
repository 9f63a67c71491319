/**
 * Experiments as the API asks for them: plan the cells, check every cell as
 * `trainPredictor` would (against the data in the database), write the
 * experiment and all its runs in one transaction, queue them; cancel the
 * unfinished cells; read the experiment with its status refreshed.
 */
import type { Page } from "../../catalog/page.js";
import type { Database } from "../../db/database.js";
import {
  cancelExperimentRow,
  createExperiment,
  experimentsByIds,
  listExperiments,
  pageExperiments,
  refreshExperiment,
  type CellRecord,
  type ExperimentRecord,
} from "../store/experiments.js";
import { failRun } from "../store/runs.js";
import { planExperiment, queueOrder, type ExperimentRequest } from "./experiment-plan.js";
import type { Problem } from "./input.js";
import type { TrainingService } from "./service.js";
import { CodedError, NotFoundError, UserInputError } from "../../errors/codes.js";

export interface ExperimentView {
  experiment: ExperimentRecord;
  cells: CellRecord[];
}

function describeCell(c: CellRecord["cell"]): string {
  const zooms = [c.imageZoom === null ? null : `i${c.imageZoom}`, c.spectrumZoom === null ? null : `s${c.spectrumZoom}`].filter(Boolean).join(" ");
  return `${c.learner} ${c.modality}${c.fusion ? ` ${c.fusion}` : ""} ${c.features} ${zooms}`;
}

export class ExperimentService {
  constructor(
    private readonly db: Database,
    private readonly training: TrainingService,
    private readonly maxCells: number,
  ) {}

  async submit(request: ExperimentRequest): Promise<ExperimentView> {
    const { problems, cells } = planExperiment(request, this.maxCells);
    if (problems.length === 0) {
      // Each cell is checked as its own trainPredictor would be; a problem is reported once, naming the first cell it concerns.
      const seen = new Set<string>();
      for (const { cell, train } of cells) {
        for (const p of await this.training.problemsOf(train)) {
          const key = `${p.argument}: ${p.message}`;
          if (seen.has(key)) continue;
          seen.add(key);
          problems.push({ argument: p.argument, message: `cell ${describeCell(cell)}: ${p.message}` } satisfies Problem);
        }
      }
    }
    if (problems.length > 0) throw new UserInputError(problems);
    const { id, runIds } = await createExperiment(this.db.sql, { ...request }, request.seed, cells, this.training.codeVersion);
    const order = queueOrder(cells.map((c) => c.cell)).map((i) => runIds[i]);
    for (const [k, runId] of order.entries()) {
      try {
        await this.training.queue.enqueue(runId);
      } catch (error) {
        // Nothing left looking alive: the unqueued cells fail with the reason (the experiment then fails).
        const reason = `could not be queued: ${(error as Error).message}`;
        for (const rest of order.slice(k)) await failRun(this.db.sql, rest, reason).catch(() => {});
        throw error;
      }
    }
    return (await this.get(id))!;
  }

  async get(id: string): Promise<ExperimentView | null> {
    return refreshExperiment(this.db.sql, id);
  }

  /** A page of experiments, newest first, each with its cells (`first` checked by the caller). */
  async page(first: number, after: string | null): Promise<Page<ExperimentView>> {
    const page = await pageExperiments(this.db.sql, first, after);
    const views = await Promise.all(page.nodes.map((e) => this.get(e.id)));
    // An experiment is never deleted, so every view is there; the page keeps its cursors.
    return { ...page, nodes: views.map((v, i) => v ?? { experiment: page.nodes[i], cells: [] }) };
  }

  async list(first: number): Promise<ExperimentView[]> {
    const rows = await listExperiments(this.db.sql, first);
    const views = await Promise.all(rows.map((e) => this.get(e.id)));
    return views.filter((v): v is ExperimentView => v !== null);
  }

  /** Cancels every QUEUED or RUNNING cell and the experiment; BAD_USER_INPUT when it has finished. */
  async cancel(id: string): Promise<ExperimentView> {
    const view = await this.get(id);
    if (!view) throw new NotFoundError("Experiment", id);
    if (!(await cancelExperimentRow(this.db.sql, id))) {
      const [now] = await experimentsByIds(this.db.sql, [id]);
      const message = `experiment ${id} has already finished (${now!.status}); only QUEUED or RUNNING experiments can be cancelled`;
      throw new UserInputError([{ argument: "id", message }]);
    }
    for (const { run } of view.cells) {
      if (run.status !== "QUEUED" && run.status !== "RUNNING") continue;
      await this.training.cancel(run.id).catch((error) => {
        // Finished meanwhile: nothing to cancel.
        if (!(error instanceof CodedError)) throw error;
      });
    }
    return (await this.get(id))!;
  }
}
