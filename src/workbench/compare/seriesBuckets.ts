import * as vscode from 'vscode';

/** How many buckets a chart of this many pixels is read in: the `compare.maxPointsPerPixel` setting, kept between 0.25 and 4. */
export function seriesBuckets(pixels: number): number {
  const perPixel = vscode.workspace.getConfiguration('mlLifecycle').get<number>('compare.maxPointsPerPixel', 1);
  return Math.max(1, Math.round(pixels * Math.min(4, Math.max(0.25, perPixel))));
}
