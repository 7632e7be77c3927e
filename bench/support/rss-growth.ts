// How much this process's own RSS grows above where it started, sampled every 20 ms until stopped.

export interface RssGrowth {
  /** Stops sampling; the largest growth seen, in MiB. */
  stopMiB(): number;
}

export function trackRssGrowth(): RssGrowth {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stopMiB() {
      clearInterval(timer);
      return (peak - before) / (1024 * 1024);
    },
  };
}
