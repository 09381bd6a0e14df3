/** What every scenario is given. */
export interface ScenarioOptions {
  /** The sizes to measure (the scenario says what a size counts). */
  sizes: number[];
  /** Repetitions of each measurement (the table shows the median). */
  runs: number;
  /**
   * The launcher (`bin/exo-writeback.js`) of another build, e.g. the previous release: scenarios
   * that support it run it in turns with this build, so the two compare on the same lab at the
   * same moment (the lab's speed varies from session to session by up to a third).
   */
  baseline?: string;
  log: (line: string) => void;
}
