/** The jump targets that need the worker: Parquet row views and image-folder files (src/extension/jump.ts). */
import { RowSource } from '../protocol';
import type { RowOpeners } from './jump';
import { ParquetRowViews, type RowFetcher } from './parquetView';
import type { Services } from './services';

export function rowOpeners(s: Services): RowOpeners {
  const fetch: RowFetcher = async (set, index) => {
    const r = await s.sessions.request('Influence Lens: reading the row', RowSource.method, { set, index });
    if (!r) throw new Error('no data loaded: open a workspace with influence.config.json first');
    return r.result;
  };
  return { fetch, parquet: new ParquetRowViews(fetch) };
}
