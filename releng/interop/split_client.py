#!/usr/bin/python3
"""A PrivTune split fine-tuning client in Python, generated from privtune_split.proto.

It proves that the contract is the .proto file and not the Java code: the message classes and
the gRPC stub are generated at start by Debian's grpc_tools (python3-grpc-tools) from the same
file the Java build feeds to protoc, and the client talks to the Java endpoint with Debian's
python3-grpcio. It checks the endpoint's health, opens a session, trains steps on random
representations, asks for logits and fetches the trained top in pieces.

    /usr/bin/python3 releng/interop/split_client.py --endpoint localhost:8470 [--hidden 384]
        [--steps 3] [--batch 4] [--tokens 8] [--cert cloud.pem --token-file token.txt]

Exit status 0 when every answer was as the .proto says, 1 otherwise (the reason on stderr).
"""

import argparse
import array
import os
import queue
import random
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = os.path.join(HERE, "..", "..", "bundles", "org.privtune.protocol", "proto", "privtune_split.proto")


def generate(proto, out):
    """Runs grpc_tools' protoc on the .proto; returns the generated modules."""
    from grpc_tools import protoc
    folder, name = os.path.split(os.path.abspath(proto))
    rc = protoc.main(["protoc", "-I" + folder, "--python_out=" + out, "--grpc_python_out=" + out,
                      os.path.join(folder, name)])
    if rc != 0:
        raise SystemExit("protoc failed on %s (exit %d)" % (proto, rc))
    sys.path.insert(0, out)
    import privtune_split_pb2 as pb
    import privtune_split_pb2_grpc as rpc
    return pb, rpc


def floats(values):
    a = array.array("f", values)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def int64s(values):
    return struct.pack("<%dq" % len(values), *values)


def health(channel, service):
    """grpc.health.v1.Health/Check by hand (Debian has no grpcio-health-checking): 1 = SERVING."""
    name = service.encode()
    request = b"\x0a" + bytes([len(name)]) + name if name else b""
    check = channel.unary_unary("/grpc.health.v1.Health/Check", request_serializer=lambda b: b,
                                response_deserializer=lambda b: b)
    answer = check(request, timeout=10)
    return answer[1] if len(answer) >= 2 and answer[0] == 0x08 else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--endpoint", required=True)
    p.add_argument("--proto", default=PROTO)
    p.add_argument("--hidden", type=int, default=384, help="d of the endpoint's top (MiniLM: 384)")
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--tokens", type=int, default=8)
    p.add_argument("--cert", help="the endpoint's certificate (PEM): TLS")
    p.add_argument("--token-file", help="the access token (sent only with --cert)")
    p.add_argument("--base-model", default="sentence-transformers/all-MiniLM-L6-v2")
    p.add_argument("--base-weights-sha256", default="",
                   help="SHA-256 of the base model's weights file (./privtune cloud refuses other weights)")
    a = p.parse_args()

    import grpc
    out = tempfile.mkdtemp(prefix="privtune-interop-")
    pb, rpc = generate(a.proto, out)

    if a.cert:
        with open(a.cert, "rb") as f:
            credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
        if a.token_file:
            with open(a.token_file) as f:
                token = f.readline().strip()
            credentials = grpc.composite_channel_credentials(
                credentials, grpc.access_token_call_credentials(token))
        channel = grpc.secure_channel(a.endpoint, credentials)
    else:
        if a.token_file:
            raise SystemExit("--token-file needs --cert: the token is sent only over TLS")
        channel = grpc.insecure_channel(a.endpoint)

    status = health(channel, "privtune.split.v1.SplitTraining")
    print("health: %s" % ("SERVING" if status == 1 else "status %d" % status))
    if status != 1:
        return 1

    rnd = random.Random(7)
    b, t, d = a.batch, a.tokens, a.hidden
    # one bidirectional call: the request iterator drains a queue, one request per answer
    q = queue.Queue()

    def feed():
        while True:
            item = q.get()
            if item is None:
                return
            yield item

    responses = rpc.SplitTrainingStub(channel).Session(feed(), timeout=120)

    def ask(request):
        q.put(request)
        return next(responses)

    opened = ask(pb.Request(open=pb.OpenSession(
        protocol_version=2, base_model=a.base_model, split_layer=2, labels=["neg", "pos"], pooling="mean",
        dropout=0.1, seed=11, learning_rate=1e-3, warmup_fraction=0.1, weight_decay=0.01, clip_norm=1.0,
        total_steps=a.steps, base_weights_sha256=a.base_weights_sha256)))
    if opened.WhichOneof("body") != "opened":
        print("open refused: %s" % opened, file=sys.stderr)
        return 1
    print("opened %s: %d trainable values, d = %d (%s)" % (opened.opened.session, opened.opened.top_parameters,
                                                          opened.opened.hidden, opened.opened.server))
    if opened.opened.hidden != d:
        print("the endpoint's top takes d = %d, not %d" % (opened.opened.hidden, d), file=sys.stderr)
        return 1

    def batch():
        reps = pb.Tensor(shape=[b, t, d], float32_le=floats(rnd.gauss(0, 1) for _ in range(b * t * d)))
        mask = pb.Tensor(shape=[b, t], int64_le=int64s([1] * (b * t)))
        return reps, mask

    for step in range(a.steps):
        reps, mask = batch()
        labels = [i % 2 for i in range(b)]
        r = ask(pb.Request(train_step=pb.TrainStep(representations=reps, attention_mask=mask, labels=labels)))
        if r.WhichOneof("body") != "step":
            print("step %d: %s" % (step + 1, r), file=sys.stderr)
            return 1
        print("step %d: loss %.4f, %d of %d correct, gradient norm %.4f" % (step + 1, r.step.loss, r.step.correct, b,
                                                                          r.step.gradient_norm))
    # a refused request names the field, and the session goes on
    reps, mask = batch()
    r = ask(pb.Request(train_step=pb.TrainStep(representations=reps, attention_mask=mask, labels=[5] * b)))
    print("refused: %s" % r.error.message)
    if r.WhichOneof("body") != "error" or not r.error.message.startswith("TrainStep.labels[0]: 5"):
        return 1
    reps, mask = batch()
    r = ask(pb.Request(predict=pb.Predict(representations=reps, attention_mask=mask)))
    if r.WhichOneof("body") != "logits" or list(r.logits.logits.shape) != [b, 2]:
        print("predict: %s" % r, file=sys.stderr)
        return 1
    print("logits: shape %s" % list(r.logits.logits.shape))
    q.put(pb.Request(fetch_weights=pb.FetchWeights()))
    pieces, values = 0, 0
    while True:
        r = next(responses)
        if r.WhichOneof("body") != "weights":
            print("fetch: %s" % r, file=sys.stderr)
            return 1
        pieces += 1
        values += sum(len(n.tensor.float32_le) // 4 for n in r.weights.tensors)
        if r.weights.last:
            break
    print("weights: %d values in %d piece(s)" % (values, pieces))
    q.put(None)
    for rest in responses:
        print("unexpected answer after the end: %s" % rest, file=sys.stderr)
        return 1
    if values != opened.opened.top_parameters:
        print("fetched %d values, the session has %d" % (values, opened.opened.top_parameters), file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
