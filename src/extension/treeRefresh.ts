/**
 * Coalesced tree refreshes. Group estimates stream in several times a second; refreshing the whole
 * tree on each one re-renders every section, which scrolls the view back and drops the commands of
 * rows a user is clicking ("Actual command not found"). Here a change names the node that changed,
 * the first request goes out at once, later ones within `intervalMs` are merged into one trailing
 * refresh, and a whole-tree request supersedes the nodes pending with it.
 */
export type RefreshTarget<T> = T | T[] | undefined;

export class TreeRefresher<T> {
  private pending = new Set<T>();
  private whole = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFire = -Infinity;

  constructor(
    private readonly fire: (target: RefreshTarget<T>) => void,
    private readonly intervalMs = 200,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Asks for `node` (or, with none, the whole tree) to be re-read. */
  request(node?: T): void {
    if (node === undefined) this.whole = true;
    else this.pending.add(node);
    if (this.timer) return;
    const wait = this.lastFire + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => { this.timer = undefined; this.flush(); }, wait);
  }

  /** Sends what is pending now (and on dispose, so the last state is shown). */
  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (!this.whole && this.pending.size === 0) return;
    const target: RefreshTarget<T> = this.whole ? undefined : this.pending.size === 1 ? [...this.pending][0] : [...this.pending];
    this.whole = false;
    this.pending.clear();
    this.lastFire = this.now();
    this.fire(target);
  }

  dispose(): void { if (this.timer) clearTimeout(this.timer); this.timer = undefined; }
}
