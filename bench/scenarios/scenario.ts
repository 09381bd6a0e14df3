/** What every scenario is given. */
export interface ScenarioOptions {
  /** The sizes to measure (the scenario says what a size counts). */
  sizes: number[];
  /** Repetitions of each measurement (the table shows the median). */
  runs: number;
  log: (line: string) => void;
}
