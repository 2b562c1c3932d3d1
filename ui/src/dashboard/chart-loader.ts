// ECharts arrives by dynamic import on the first chart; tests (no canvas in
// jsdom) swap the loader for a fake that records the options.
import type { ChartOption } from './echarts';

export type ChartInstance = { setOption(o: ChartOption, notMerge?: boolean): void; resize(): void; dispose(): void };
export type ChartModule = { init(el: HTMLElement, theme?: string, opts?: { renderer?: 'canvas' | 'svg' }): ChartInstance };

let loader: () => Promise<ChartModule> = () => import('./echarts') as Promise<ChartModule>;

export function loadCharts(): Promise<ChartModule> { return loader(); }
export function setChartLoader(l: () => Promise<ChartModule>): void { loader = l; }
