"""The drift check as a Python user writes it today, for the drift bench's baseline: pandas
read_csv of both files, then per numeric column SciPy's ks_2samp and a decile PSI in NumPy, and
per categorical column a PSI of the category shares. Prints one JSON line: wall and CPU seconds,
and the worst PSI (so the bench can see both sides computed the same thing)."""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

EPSILON = 1e-4  # src/monitoring/stats.ts PSI_EPSILON


def psi(expected, actual):
    e = np.maximum(expected / expected.sum(), EPSILON)
    a = np.maximum(actual / actual.sum(), EPSILON)
    return float(np.sum((a - e) * np.log(a / e)))


def main(reference_path, current_path):
    start, cpu = time.perf_counter(), time.process_time()
    reference = pd.read_csv(reference_path)
    current = pd.read_csv(current_path)
    worst = 0.0
    for column in reference.columns:
        ref, cur = reference[column].dropna(), current[column].dropna()
        if pd.api.types.is_numeric_dtype(ref):
            ks_2samp(ref.to_numpy(), cur.to_numpy())
            edges = np.unique(np.quantile(ref.to_numpy(), np.linspace(0.1, 0.9, 9)))
            bins = np.concatenate(([-np.inf], edges, [np.inf]))
            value = psi(np.histogram(ref, bins)[0].astype(float), np.histogram(cur, bins)[0].astype(float))
        else:
            shares = pd.concat([ref.value_counts(), cur.value_counts()], axis=1).fillna(0).to_numpy(dtype=float)
            value = psi(shares[:, 0], shares[:, 1])
        worst = max(worst, value)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "maxRssMb": max_rss_mb, "worstPsi": worst}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
