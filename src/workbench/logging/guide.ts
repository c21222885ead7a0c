/** The training script the guide, the docs and the README show: complete, and runnable as is. */
export const PYTHON_EXAMPLE = `"""Train a small model and log it to the ML Lifecycle store."""
import math
import pickle
import random

import ml_lifecycle as mll

params = {"learning_rate": 0.05, "epochs": 20, "batch_size": 64}

with mll.start_run(experiment="quickstart", name="sgd-lr0.05", params=params, tags={"dataset": "synthetic-v1"}) as run:
    random.seed(0)
    weight = 0.0
    for epoch in range(params["epochs"]):
        train_loss = 0.0
        for batch in range(100):
            x = random.uniform(-1, 1)
            error = weight * x - 3 * x
            weight -= params["learning_rate"] * error * x
            train_loss += error * error
            run.log_metric("train_loss_batch", error * error)  # step counts up by itself
        val_loss = (weight - 3) ** 2 / 3
        run.log_metrics({"train_loss": train_loss / 100, "val_loss": val_loss, "val_rmse": math.sqrt(val_loss)}, step=epoch)

    with open("model.pkl", "wb") as handle:
        pickle.dump({"weight": weight}, handle)
    run.log_artifact("model.pkl", kind="model")  # path, sha256 and size
    run.set_tag("weight", round(weight, 4))
# Leaving the block marks the run FINISHED; an exception marks it FAILED, Ctrl-C KILLED.
`;

export interface GuideContext {
  storePath: string | undefined;
  trusted: boolean;
  /** Whether integrated terminals get PYTHONPATH and ML_LIFECYCLE_STORE. */
  terminalsReady: boolean;
}

/** The "How to Log from Python" page, as Markdown. */
export function loggingGuide(context: GuideContext): string {
  const setup = context.terminalsReady
    ? [
        'New integrated terminals of this window already have the logger on `PYTHONPATH` and the store in',
        '`ML_LIFECYCLE_STORE`, so `import ml_lifecycle` works there as is (terminals opened before need a restart).',
        'Elsewhere (another terminal, a scheduler, a notebook), run **ML Lifecycle: Copy Python Logger into Workspace**:',
        'it puts `ml_lifecycle.py` (one file, standard library only, Python 3.8+) next to your code.',
      ]
    : context.trusted
      ? [
          'Integrated terminals do not get the logger (the setting `mlLifecycle.pythonLogger.addToTerminals` is off, or no folder is open).',
          'Run **ML Lifecycle: Copy Python Logger into Workspace** to put `ml_lifecycle.py` (one file, standard library only,',
          'Python 3.8+) next to your code, or turn the setting on.',
        ]
      : [
          'This workspace is not trusted, so ML Lifecycle does not change terminals or copy files. Trust the workspace, then run',
          '**ML Lifecycle: Copy Python Logger into Workspace**, or copy `python/ml_lifecycle.py` from the extension yourself.',
        ];
  return [
    '# Log training runs from Python',
    '',
    `Runs go to the workspace store${context.storePath ? `: \`${context.storePath}\`` : ''}. The Experiments view shows them`,
    'while they run: a spinner on running runs, the latest value of the primary metric, and a status bar count.',
    '',
    '## 1. Make `import ml_lifecycle` work',
    '',
    ...setup,
    '',
    '## 2. Log a run',
    '',
    '```python',
    PYTHON_EXAMPLE.trimEnd(),
    '```',
    '',
    'The module-level functions (`mll.log_metric`, `mll.log_param`, `mll.set_tag`, ...) act on the active run, as in',
    'MLflow. Set the experiment\'s primary metric (right-click it, **Set Primary Metric…**) to see its value beside each run.',
    '',
    '## What to know',
    '',
    '- **Steps.** Without `step=`, a key\'s step counts up from 0 (one more than its highest step so far).',
    '- **Values.** NaN and ±Inf are kept (NaN is stored as empty). Strings, booleans and `None` are refused with a message naming the key.',
    '- **Params** are fixed once logged: the same value again is fine, a different value is an error naming both.',
    '- **Keys** may contain `/` and any Unicode, up to 250 characters. Param values up to 6,000 characters, tag values 8,000.',
    '- **Speed.** Points are buffered and written in batches (every second, or every 5,000 points). Many processes can log',
    '  into the same store at once.',
    '- **Crashes.** A process killed without warning (`kill -9`, out of memory) stops sending its heartbeat; after',
    '  `mlLifecycle.staleHeartbeatSeconds` the run shows as KILLED.',
    '- **Production.** `mll.log_production_metric("churn-classifier", "champion", "auc", 0.87)` records a measurement of a registered',
    '  model version.',
    '',
    '## From Node or a shell',
    '',
    '```js',
    "const { startRun } = require('ml-lifecycle');",
    "const run = startRun({ experiment: 'quickstart', params: { lr: 0.05 } });",
    "for (let step = 0; step < 100; step++) run.logMetric('loss', 1 / (step + 1), step);",
    'run.end();',
    '```',
    '',
    '```sh',
    'RUN=$(npx ml-lifecycle run start --experiment quickstart --param lr=0.05)',
    'npx ml-lifecycle log metric "$RUN" loss=0.31 --step 1',
    'npx ml-lifecycle run end "$RUN"',
    '```',
    '',
  ].join('\n');
}
