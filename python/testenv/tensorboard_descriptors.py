"""Writes the descriptors of TensorBoard's event protos, as the `tensorboard` wheel compiled them,
to a FileDescriptorSet: the input of `npm run proto`, which generates src/tensorboard/proto/.

The wheel ships compiled descriptors (the *_pb2.py modules), not the .proto sources.

    python/.venvs/tensorboard/bin/python python/testenv/tensorboard_descriptors.py OUT.binpb
"""
import sys

from google.protobuf import descriptor_pb2
from tensorboard.compat.proto import event_pb2
from tensorboard.plugins.hparams import plugin_data_pb2


def add(file_descriptor, out, seen):
    """Adds a file after its imports, once: the order protoc and buf expect."""
    for dependency in file_descriptor.dependencies:
        add(dependency, out, seen)
    if file_descriptor.name in seen:
        return
    seen.add(file_descriptor.name)
    proto = descriptor_pb2.FileDescriptorProto()
    file_descriptor.CopyToProto(proto)
    # The compiled descriptors lack json_name, which protoc always fills in.
    for message in proto.message_type:
        add_json_names(message)
    out.file.append(proto)


def json_name(name):
    """protoc's ToJsonName: drop each underscore and capitalize the letter after it."""
    parts = name.split("_")
    return parts[0] + "".join(part[:1].upper() + part[1:] for part in parts[1:])


def add_json_names(message):
    for field in list(message.field) + list(message.extension):
        if not field.HasField("json_name"):
            field.json_name = json_name(field.name)
    for nested in message.nested_type:
        add_json_names(nested)


def main(path):
    out = descriptor_pb2.FileDescriptorSet()
    seen = set()
    for root in (event_pb2.DESCRIPTOR, plugin_data_pb2.DESCRIPTOR):
        add(root, out, seen)
    with open(path, "wb") as handle:
        handle.write(out.SerializeToString())


if __name__ == "__main__":
    main(sys.argv[1])
