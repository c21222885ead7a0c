"""Writes TensorBoard logdirs with the real writers from PyPI, for the import tests and the bench.

    python write_logdir.py OUT [STEPS]

OUT/logdir holds runs that tensorboardX and TensorBoard's own writer (tensorboard.summary.Writer)
wrote: 100,000 steps (or STEPS), NaN and +/-Inf, TF1 simple values, TF2 float tensors, double
tensors, text, hparams (tensorboardX's add_hparams and TensorBoard's hparams_pb), histograms,
images, audio, an unknown plugin and Keras-style train/validation folders. OUT/damaged holds
copies of one run, damaged: cut mid-record, a data CRC and a length CRC broken, and a file that is
not TFRecord. The writers' own files are never changed. Prints a JSON manifest on the last line.
"""
import json
import math
import os
import shutil
import struct
import sys

import numpy as np
from tensorboard.plugins.hparams import summary_v2 as hp
from tensorboard.summary import Writer
from tensorboardX import SummaryWriter
from tensorboardX.proto import summary_pb2, tensor_pb2, tensor_shape_pb2

WALL = 1_700_000_000.0


def value_at(step):
    """A loss-like curve with NaN and infinities at known steps."""
    if step == 500:
        return float("nan")
    if step == 1000:
        return float("inf")
    if step == 1500:
        return float("-inf")
    return 1.0 / (1 + step) + 0.001 * math.sin(step)


def write_tensorboardx(logdir, steps):
    writer = SummaryWriter(os.path.join(logdir, "tbx"))
    for step in range(steps):
        writer.add_scalar("loss", value_at(step), step, walltime=WALL + step * 0.01)
        if step % 1000 == 0:
            writer.add_scalar("eval/accuracy", 1 - 1 / (2 + step), step, walltime=WALL + step * 0.01)
    writer.add_text("notes", "Baseline with **cosine** schedule", 0)
    writer.add_text("dataset", "cifar10-v2", 0)
    writer.add_text("dataset", "cifar10-v3", 1)
    for step in range(3):
        writer.add_histogram("weights", np.random.default_rng(step).normal(size=100), step)
    writer.add_image("sample", np.zeros((3, 8, 8)), 0)
    writer.add_image("sample", np.ones((3, 8, 8)), 1)
    # TF1 audio, as tf.summary.audio wrote it (tensorboardX's add_audio needs soundfile).
    audio = summary_pb2.Summary.Audio(sample_rate=8000, num_channels=1, length_frames=4, encoded_audio_string=b"RIFF", content_type="audio/wav")
    writer.file_writer.add_summary(summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="clip", audio=audio)]), 0)
    # A plugin ML Lifecycle does not know: a two-element tensor.
    metadata = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="my_plugin", content=b"{}"))
    tensor = tensor_pb2.TensorProto(dtype=1, float_val=[1.0, 2.0], tensor_shape=tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=2)]))
    writer.file_writer.add_summary(summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="custom", metadata=metadata, tensor=tensor)]), 0)
    writer.add_hparams({"lr": 0.001, "optimizer": "adam", "batch_size": 64, "augment": True}, {"hparam/accuracy": 0.91, "hparam/loss": 0.27}, name="session")
    writer.close()


def write_native(path, steps, offset=0.0):
    writer = Writer(path)
    for step in range(steps):
        writer.add_scalar("loss", value_at(step) + offset, step, wall_time=WALL + step * 0.5)
        writer.add_scalar("lr", 0.1 * 0.99**step, step, wall_time=WALL + step * 0.5)
    writer.close()


def write_doubles(logdir):
    """DT_DOUBLE scalar tensors, as torch.utils.tensorboard writes with double_precision=True."""
    writer = SummaryWriter(os.path.join(logdir, "doubles"))
    metadata = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"))
    for step in range(50):
        value = 1 / 3 + step * 1e-12
        tensor = tensor_pb2.TensorProto(dtype=2, double_val=[value], tensor_shape=tensor_shape_pb2.TensorShapeProto())
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="precise", metadata=metadata if step == 0 else None, tensor=tensor)])
        writer.file_writer.add_summary(summary, step, walltime=WALL + step)
    writer.close()


def write_tensorboard_hparams(logdir):
    """TensorBoard's own hparams summary (hparams_pb), beside TensorBoard's own scalars."""
    path = os.path.join(logdir, "tb_hparams")
    write_native(path, 20, offset=1.0)
    tb_summary = hp.hparams_pb({"units": 128, "dropout": 0.25, "activation": "relu"}, trial_id="trial-7", start_time_secs=WALL)
    writer = SummaryWriter(path, filename_suffix=".hparams")
    writer.file_writer.add_summary(summary_pb2.Summary.FromString(tb_summary.SerializeToString()), 0, walltime=WALL)
    writer.close()


def write_keras_like(logdir):
    for split, offset in (("train", 0.0), ("validation", 0.1)):
        writer = Writer(os.path.join(logdir, "keras", split))
        for epoch in range(10):
            writer.add_scalar("epoch_loss", 1 / (1 + epoch) + offset, epoch, wall_time=WALL + epoch * 60)
        writer.close()


def records(path):
    """(offset, length) of each record in a TFRecord file."""
    out = []
    with open(path, "rb") as handle:
        data = handle.read()
    at = 0
    while at + 12 <= len(data):
        (length,) = struct.unpack("<Q", data[at : at + 8])
        out.append((at, length))
        at += 12 + length + 4
    return out


def damaged_copies(source_dir, out):
    """Copies of one run, damaged; the writer's original stays as it was."""
    [name] = [n for n in os.listdir(source_dir) if "tfevents" in n]
    source = os.path.join(source_dir, name)
    recs = records(source)
    damaged = {}

    def copy(run):
        os.makedirs(os.path.join(out, run))
        target = os.path.join(out, run, name)
        shutil.copyfile(source, target)
        return target

    # Cut in the middle of the 11th record from the end.
    target = copy("truncated")
    cut_at, cut_length = recs[-11]
    with open(target, "r+b") as handle:
        handle.truncate(cut_at + 12 + cut_length // 2)
    damaged["truncated"] = {"file": target, "offset": cut_at, "lostRecords": 11}

    # One byte of one record's data changed: its data CRC fails.
    target = copy("bad_data_crc")
    at, length = recs[len(recs) // 2]
    with open(target, "r+b") as handle:
        handle.seek(at + 12 + length // 2)
        byte = handle.read(1)
        handle.seek(at + 12 + length // 2)
        handle.write(bytes([byte[0] ^ 0xFF]))
    damaged["bad_data_crc"] = {"file": target, "offset": at, "record": len(recs) // 2}

    # One record's length CRC broken: the reader must find the next record by itself.
    target = copy("bad_length_crc")
    at, length = recs[len(recs) // 3]
    with open(target, "r+b") as handle:
        handle.seek(at + 8)
        crc = handle.read(4)
        handle.seek(at + 8)
        handle.write(bytes([crc[0] ^ 0x01]) + crc[1:])
    damaged["bad_length_crc"] = {"file": target, "offset": at, "record": len(recs) // 3, "next": recs[len(recs) // 3 + 1][0]}

    os.makedirs(os.path.join(out, "not_tfrecord"))
    target = os.path.join(out, "not_tfrecord", "events.out.tfevents.1700000000.notes")
    with open(target, "w") as handle:
        handle.write("This is a text file that happens to have an event file's name.\n" * 4)
    damaged["not_tfrecord"] = {"file": target, "offset": 0}
    return damaged


def main(out, steps):
    logdir = os.path.join(out, "logdir")
    write_tensorboardx(logdir, steps)
    write_native(os.path.join(logdir, "native"), 2000)
    write_doubles(logdir)
    write_tensorboard_hparams(logdir)
    write_keras_like(logdir)
    damaged = damaged_copies(os.path.join(logdir, "native"), os.path.join(out, "damaged"))
    print(json.dumps({"logdir": logdir, "damagedLogdir": os.path.join(out, "damaged"), "damaged": damaged, "steps": steps}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
