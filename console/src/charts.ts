/** Small SVG charts (no library, nothing fetched): bars per cycle, oldest on the left. */

const SVG = 'http://www.w3.org/2000/svg';

/** One series of a bar chart. */
export interface Series {
  label: string;
  colour: string;
  values: number[];
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/**
 * Grouped bars: one group per x label, one bar per series. `format` labels the y maximum.
 * Each bar has a <title> with its exact value, for hover and for screen readers.
 */
export function barChart(title: string, labels: string[], series: Series[], format: (n: number) => string = String): HTMLElement {
  const width = 720;
  const height = 180;
  const pad = { left: 48, right: 8, top: 10, bottom: 22 };
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const groupW = labels.length ? plotW / labels.length : plotW;
  // Bars stay thin when there are few cycles, so one cycle does not look like a wall.
  const barW = Math.max(1, Math.min(18, (groupW * 0.8) / Math.max(1, series.length)));
  const groupInset = (groupW - barW * series.length) / 2;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title, preserveAspectRatio: 'none' });
  for (const fraction of [0, 0.5, 1]) {
    const y = pad.top + plotH * (1 - fraction);
    svg.appendChild(el('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, stroke: '#e0e0e0' }));
    const text = el('text', { x: pad.left - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#616161' });
    text.textContent = format(max * fraction);
    svg.appendChild(text);
  }
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const value = s.values[i] ?? 0;
      const h = (value / max) * plotH;
      const rect = el('rect', { x: pad.left + i * groupW + groupInset + j * barW, y: pad.top + plotH - h, width: barW, height: Math.max(h, value > 0 ? 1 : 0), fill: s.colour });
      const tip = el('title', {});
      tip.textContent = `${label} — ${s.label}: ${format(value)}`;
      rect.appendChild(tip);
      svg.appendChild(rect);
    });
  });
  if (labels.length) {
    for (const [i, anchor] of [[0, 'start'], [labels.length - 1, 'end']] as const) {
      const text = el('text', { x: anchor === 'start' ? pad.left : width - pad.right, y: height - 6, 'text-anchor': anchor, 'font-size': 11, fill: '#616161' });
      text.textContent = labels[i] ?? '';
      svg.appendChild(text);
    }
  }
  const box = document.createElement('div');
  box.className = 'chart';
  const heading = document.createElement('h2');
  heading.textContent = title;
  const legend = document.createElement('div');
  legend.className = 'legend';
  for (const s of series) {
    const item = document.createElement('span');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = s.colour;
    item.append(swatch, s.label);
    legend.appendChild(item);
  }
  box.append(heading, svg, legend);
  return box;
}
