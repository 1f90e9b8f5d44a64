/** A uPlot time-series chart as a Preact component: sized to its box, data swapped in place. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface PlotSeries {
  label: string;
  color: string;
  values: (number | null)[];
  dash?: number[];
}

export interface PlotProps {
  title: string;
  /** Seconds since the epoch. */
  t: number[];
  series: PlotSeries[];
  unit: string;
  /** Fixed y range (e.g. 0–100 for percentages); else from 0 to the data's max. */
  yMax?: number;
  height?: number;
  testId?: string;
}

function clock(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function isolated(u: uPlot, si: number): number[] | null {
  const v = u.data[si];
  if (!v) return null;
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] == null) continue;
    if ((i === 0 || v[i - 1] == null) && (i === v.length - 1 || v[i + 1] == null)) out.push(i);
  }
  return out;
}

function latest(values: uPlot.AlignedData[number] | undefined): number | null {
  if (!values) return null;
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number') return v;
  }
  return null;
}

function options(p: PlotProps, width: number): uPlot.Options {
  return {
    width,
    height: p.height ?? 170,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true },
      y: {
        range: (_u, _min, max) => [0, p.yMax ?? (max > 0 ? max * 1.15 : 1)],
      },
    },
    axes: [
      {
        stroke: '#556',
        space: 70,
        grid: { stroke: '#eef0f4', width: 1 },
        ticks: { stroke: '#dde', width: 1 },
        values: (_u, vals) => vals.map(clock),
      },
      {
        stroke: '#556',
        // wide enough for the longest tick label
        size: (_u: uPlot, values: string[] | null) =>
          24 + 7.5 * Math.max(3, ...(values ?? []).map((v) => String(v).length)),
        grid: { stroke: '#eef0f4', width: 1 },
        ticks: { stroke: '#dde', width: 1 },
        values: (_u, vals) => vals.map((v) => `${+v.toFixed(2)}${p.unit}`),
      },
    ],
    series: [
      { value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '' : clock(v)) },
      ...p.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        spanGaps: false,
        // a value between two gaps has no line to be part of: draw it as a dot
        points: { show: true, size: 5, fill: s.color, filter: isolated },
        ...(s.dash ? { dash: s.dash } : {}),
        // under the cursor: that point; otherwise the latest value
        value: (u: uPlot, v: number | null, si: number, idx: number | null) => {
          const shown = idx === null ? latest(u.data[si]) : v;
          return shown === null || shown === undefined ? '–' : `${+shown.toFixed(2)}${p.unit}`;
        },
      })),
    ],
  };
}

function dataOf(p: PlotProps): uPlot.AlignedData {
  return [p.t, ...p.series.map((s) => s.values)] as uPlot.AlignedData;
}

export function Plot(p: PlotProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = p.series.map((s) => `${s.label}|${s.color}`).join(',');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(options(p, Math.max(200, el.clientWidth)), dataOf(p), el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      u.setSize({ width: Math.max(200, el.clientWidth), height: p.height ?? 170 });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // recreate only when the set of series changes; data updates below
  }, [shape, p.unit, p.yMax]);

  useEffect(() => {
    plot.current?.setData(dataOf(p));
  });

  return (
    <figure class="plot" data-testid={p.testId}>
      <figcaption>{p.title}</figcaption>
      <div ref={box} class="plot-box" />
    </figure>
  );
}
