"""What TensorBoard itself reads from a logdir: the oracle of the import tests.

    python oracle.py LOGDIR OUT.json

TensorBoard's EventMultiplexer (an EventAccumulator per run, as the TensorBoard server loads them)
with no sampling limit (size_guidance 0: every point) and no purge of "orphaned" steps, so every
point written is there. Non-finite floats are written as the strings "NaN", "Infinity", "-Infinity".
"""
import json
import math
import sys

from tensorboard.backend.event_processing import event_accumulator
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.plugins.hparams import plugin_data_pb2
from tensorboard.util import tensor_util


def number(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def hparam(value):
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        return value.number_value
    if kind == "bool_value":
        return "true" if value.bool_value else "false"
    return getattr(value, kind) if kind else None


def main(logdir, out):
    multiplexer = plugin_event_multiplexer.EventMultiplexer(size_guidance={event_accumulator.TENSORS: 0}, purge_orphaned_data=False)
    multiplexer.AddRunsFromDirectory(logdir)
    multiplexer.Reload()
    result = {}
    for run in sorted(multiplexer.Runs()):
        scalars = {}
        for tag in multiplexer.PluginRunToTagToContent("scalars").get(run, {}):
            scalars[tag] = [[e.step, e.wall_time, number(float(tensor_util.make_ndarray(e.tensor_proto).item()))] for e in multiplexer.Tensors(run, tag)]
        texts = {}
        for tag in multiplexer.PluginRunToTagToContent("text").get(run, {}):
            events = multiplexer.Tensors(run, tag)
            texts[tag] = "\n".join(s.decode("utf-8") for s in events[-1].tensor_proto.string_val)
        params = {}
        status = None
        for tag, content in multiplexer.PluginRunToTagToContent("hparams").get(run, {}).items():
            data = plugin_data_pb2.HParamsPluginData.FromString(content)
            if data.HasField("session_start_info"):
                params.update({k: hparam(v) for k, v in data.session_start_info.hparams.items()})
            if data.HasField("session_end_info"):
                status = plugin_data_pb2.SessionEndInfo.DESCRIPTOR.fields_by_name["status"].enum_type.values_by_number[data.session_end_info.status].name
        counts = {}
        for plugin in ("histograms", "images", "audio"):
            counts[plugin] = sum(len(multiplexer.Tensors(run, tag)) for tag in multiplexer.PluginRunToTagToContent(plugin).get(run, {}))
        others = {}
        for plugin in multiplexer.ActivePlugins():
            if plugin in ("scalars", "text", "hparams", "histograms", "images", "audio"):
                continue
            n = sum(len(multiplexer.Tensors(run, tag)) for tag in multiplexer.PluginRunToTagToContent(plugin).get(run, {}))
            if n:
                others[plugin] = n
        result[run] = {"scalars": scalars, "texts": texts, "params": params, "status": status, "counts": counts, "otherPlugins": others}
    with open(out, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
