/** The Explain panel's greedy group optimizer: choose k rows, then verify the choice by retraining. */
import type { Direction, SelectResult } from '../protocol';
import type { Panel } from './panels';
import type { Services } from './services';

export class OptimizerFeature {
  last: SelectResult | undefined;

  constructor(private readonly s: Services, private readonly panel: Panel) {}

  async run(testIndex: number, k: number, direction: Direction): Promise<SelectResult | undefined> {
    const res = await this.s.sessions.request(`Influence Lens: choosing the ${k} most ${direction} rows (greedy)`, 'influence/select',
      { testIndex, k, direction, method: 'greedy' });
    this.last = res;
    this.panel.post({ type: 'optimizerResult', testIndex, result: res });
    return res;
  }

  async verify(testIndex: number, members: number[]): Promise<number | undefined> {
    const res = await this.s.sessions.request('Influence Lens: retraining without the chosen rows', 'influence/groups',
      { testIndex, groups: [{ name: 'selected', kind: 'selected', members }], retrain: true });
    const r = res.groups[0]?.retrain;
    if (typeof r === 'number') {
      if (this.last) this.last.retrain = r;
      this.panel.post({ type: 'optimizerVerified', testIndex, retrain: r });
    }
    return r;
  }
}
