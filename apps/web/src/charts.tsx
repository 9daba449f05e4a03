import { useId } from 'react';

/**
 * Horizontal bar charts drawn as SVG by hand (no chart library: the bundle stays small). A
 * screen reader gets the figure's name and a table of the same numbers; the drawing itself is
 * hidden from it. Horizontal bars keep long kitchen names readable on a 360 px phone.
 */
export interface ChartSeries {
  label: string;
  /** A CSS class giving the bar its colour (see styles.css `.bar-*`). */
  tone: 'a' | 'b' | 'c';
}

export interface ChartRow {
  label: string;
  /** One value per series; null = no value (drawn as no bar, "–" in the table). */
  values: (number | null)[];
  /** Rows that break a rule are marked in the table and drawn in the warning colour. */
  flagged?: boolean;
}

export function BarChart({
  name,
  caption,
  series,
  rows,
  format,
  max,
  target,
  emptyText,
  headers,
}: {
  /** The accessible name; begins with `Grafik` (UI contract). */
  name: string;
  caption: string;
  series: ChartSeries[];
  rows: ChartRow[];
  format: (value: number) => string;
  /** The scale's end; defaults to the largest value (or the target). */
  max?: number;
  /** A vertical rule line (e.g. the 15-supplier rule, the budget per portion). */
  target?: { value: number; label: string };
  emptyText: string;
  /** Column headings of the data table: the row label's, then one per series. */
  headers: string[];
}) {
  const id = useId();
  const width = 320;
  const labelHeight = 17;
  const barHeight = 13;
  const rowGap = 10;
  const rowHeight = labelHeight + series.length * (barHeight + 2) + rowGap;
  const legendHeight = series.length > 1 || target ? 20 : 0;
  const height = legendHeight + rows.length * rowHeight + (target ? 14 : 0);
  const valueRoom = 84;
  const plotWidth = width - valueRoom;
  const largest = Math.max(
    0,
    target?.value ?? 0,
    ...rows.flatMap((row) => row.values.map((value) => value ?? 0)),
  );
  const scaleEnd = max ?? (largest > 0 ? largest : 1);
  // Legend entries side by side, each as wide as its label (about 6.8 units a character at 11.5 px).
  const legend: { label: string; tone: ChartSeries['tone'] | null; x: number }[] = [];
  let legendX = 0;
  for (const item of [
    ...series.map((s) => ({ label: s.label, tone: s.tone })),
    ...(target ? [{ label: target.label, tone: null }] : []),
  ]) {
    legend.push({ ...item, x: legendX });
    legendX += 24 + item.label.length * 6.8;
  }
  const x = (value: number) => Math.max(0, Math.min(1, value / scaleEnd)) * plotWidth;
  return (
    <figure className="chart" aria-labelledby={`${id}-name`}>
      <figcaption>
        <span id={`${id}-name`} className="sr-only">
          {name}
        </span>
        <strong aria-hidden="true">{caption.charAt(0).toUpperCase() + caption.slice(1)}</strong>
      </figcaption>
      {rows.every((row) => row.values.every((value) => value === null)) ? (
        <p className="muted">{emptyText}</p>
      ) : (
        <>
          <svg
            viewBox={`0 0 ${width} ${height}`}
            width="100%"
            role="img"
            aria-label={name}
            aria-describedby={`${id}-table`}
            focusable="false"
          >
            {legendHeight ? (
              <g className="legend">
                {legend.map((item) => (
                  <g key={item.label} transform={`translate(${item.x}, 2)`}>
                    {item.tone ? (
                      <rect width="10" height="10" className={`bar-${item.tone}`} />
                    ) : (
                      <line x1="4" x2="4" y1="0" y2="10" className="target" />
                    )}
                    <text x="14" y="9">
                      {item.label}
                    </text>
                  </g>
                ))}
              </g>
            ) : null}
            {rows.map((row, r) => {
              const top = legendHeight + r * rowHeight;
              return (
                <g key={`${row.label}-${r}`} transform={`translate(0, ${top})`}>
                  <text x="0" y="12" className="row-label">
                    {row.label.length > 44 ? `${row.label.slice(0, 43)}…` : row.label}
                  </text>
                  {row.values.map((value, i) => {
                    const y = labelHeight + i * (barHeight + 2);
                    return (
                      <g key={i}>
                        <rect x="0" y={y} width={plotWidth} height={barHeight} className="bar-track" />
                        {value !== null ? (
                          <rect
                            x="0"
                            y={y}
                            width={Math.max(value > 0 ? 2 : 0, x(value))}
                            height={barHeight}
                            className={row.flagged ? 'bar-flag' : `bar-${series[i].tone}`}
                          />
                        ) : null}
                        <text x={plotWidth + 4} y={y + barHeight - 2} className="value">
                          {value === null ? '–' : format(value)}
                        </text>
                      </g>
                    );
                  })}
                </g>
              );
            })}
            {target ? (
              <line
                x1={x(target.value)}
                x2={x(target.value)}
                y1={legendHeight}
                y2={height - 4}
                className="target"
              />
            ) : null}
          </svg>
          <div className="sr-only">
            <table id={`${id}-table`}>
              <caption>{name}</caption>
              <thead>
                <tr>
                  {headers.map((header) => (
                    <th key={header} scope="col">
                      {header}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, r) => (
                  <tr key={`${row.label}-${r}`}>
                    <th scope="row">
                      {row.label}
                      {row.flagged ? ' (!)' : ''}
                    </th>
                    {row.values.map((value, i) => (
                      <td key={i}>{value === null ? '–' : format(value)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </figure>
  );
}
