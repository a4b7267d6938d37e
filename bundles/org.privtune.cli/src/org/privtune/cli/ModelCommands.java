package org.privtune.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.privtune.core.ConsoleProgress;
import org.privtune.core.InvalidInputException;
import org.privtune.device.FineTuningRun;
import org.privtune.device.RemoteTopModel;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.model.BertEncoder;
import org.privtune.model.MiniLmFiles;
import org.privtune.model.ModelExport;
import org.privtune.model.OnnxRuntimeOracle;
import org.privtune.model.Pooling;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TrainingConfig;
import org.privtune.protocol.TransportSecurity;

/** {@code verify-model}, {@code train} and {@code predict}: the model bundle from the command line. */
final class ModelCommands {

    private ModelCommands() {
    }

    static List<CliCommand> all() {
        return List.of(new VerifyModel(), new Train(), new Predict());
    }

    /** Oracle comparison of the DJL encoder with ONNX Runtime on the built-in sentences. */
    static final class VerifyModel implements CliCommand {
        @Override
        public String name() {
            return "verify-model";
        }

        @Override
        public String summary() {
            return "compare the DJL MiniLM encoder with ONNX Runtime (max abs difference <= 1e-4)";
        }

        @Override
        public String usage() {
            return "./privtune verify-model";
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
            Options.parse(args, Set.of(), Set.of());
            if (!OnnxRuntimeOracle.available()) {
                err.println("privtune verify-model: ONNX Runtime is not installed in this runtime (it ships with the "
                        + "standalone studio, not with the IDE plugin); run the oracle test of org.privtune.model.tests instead");
                return 1;
            }
            try (NDManager manager = DjlRuntime.pytorch().newBaseManager()) {
                BertEncoder encoder = BertEncoder.fromOnnx(manager, MiniLmFiles.readWeights());
                OnnxRuntimeOracle.Result r = OnnxRuntimeOracle.verifyMiniLm(encoder, manager);
                out.printf(Locale.ROOT, "MiniLM (%s) on DJL/PyTorch vs ONNX Runtime: %d sentences padded to %d tokens%n",
                        MiniLmFiles.BASE_MODEL, r.sentences(), r.paddedLength());
                out.printf(Locale.ROOT, "max abs difference of the last hidden state: %.3e (tolerance %.0e): %s%n",
                        r.maxAbsDiff(), 1e-4, r.passed() ? "OK" : "FAILED");
                return r.passed() ? 0 : 1;
            }
        }
    }

    /**
     * Split fine-tuning, optionally with a privacy mechanism on the device (a spec or a preset saved
     * by the Noise Tuner), and export.
     */
    static final class Train implements CliCommand {
        @Override
        public String name() {
            return "train";
        }

        @Override
        public String summary() {
            return "fine-tune the split model on a data set and export it";
        }

        @Override
        public String usage() {
            return String.join("\n",
                    "./privtune train --data <name or file> --out <folder> [--split 2] [--epochs 3] [--batch 32]",
                    "                 [--max-length 64] [--lr 5e-5] [--pooling mean|cls] [--seed 42] [--train-bottom]",
                    "                 [--mechanism <spec> | --mechanism @<preset>]",
                    "                 [--cloud host:port [--cloud-cert <cert.pem>] [--cloud-token-file <file>]]",
                    "  Prints dev accuracy per epoch and the final test accuracy; the folder must not exist yet.",
                    "  --mechanism perturbs what leaves the device during training and evaluation, e.g.",
                    "  privtune:eps=16,n=2 or @training (the Noise Tuner's \"Use for training\" preset);",
                    "  a preset also sets --split unless --split is given. The mechanism's noise, substitutions and",
                    "  shuffles are secret (SecureRandom) unless its spec fixes seed=N, which makes them repeatable",
                    "  and is labelled \"fixed seed, not private\"; --seed seeds only the training itself. The spec",
                    "  keys specials=public|perturb|clean ([CLS]/[SEP] rows) and lengths=B (pad sentences to a",
                    "  multiple of B tokens so the mask shows only the bucket) protect what else is sent.",
                    "  --cloud trains the top on a remote endpoint (./privtune cloud there) instead of in this",
                    "  process: only the perturbed representations, their mask and the labels are sent; the",
                    "  trained top is fetched back for the export. --cloud-cert connects with TLS 1.3 and trusts",
                    "  only that certificate (PEM/DER, or a PKCS#12 trust store opened with $"
                            + CloudCommand.TLS_PASSWORD_ENV + "); --cloud-token-file sends the endpoint's token.");
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
            Options o = Options.parse(args, Set.of("data", "out", "split", "epochs", "batch", "max-length", "lr",
                    "pooling", "seed", "mechanism", "cloud", "cloud-cert", "cloud-token-file"), Set.of("train-bottom"));
            Path outDir = Path.of(o.require("out"));
            FineTuningRun.Cloud cloud = null;
            if (o.get("cloud", null) != null) { // a mistyped address or file fails before any work
                cloud = new FineTuningRun.Cloud(o.get("cloud", null),
                        o.get("cloud-cert", null) == null ? null
                                : CloudCommand.file("cloud-cert", () -> TransportSecurity.client(
                                        Path.of(o.get("cloud-cert", null)), CloudCommand.password())),
                        o.get("cloud-token-file", null) == null ? null
                                : CloudCommand.file("cloud-token-file", () -> TransportSecurity.readToken(
                                        Path.of(o.get("cloud-token-file", null)))));
            } else if (o.get("cloud-cert", null) != null || o.get("cloud-token-file", null) != null) {
                throw new UsageException("--cloud-cert and --cloud-token-file need --cloud host:port");
            }
            if (FineTuningRun.isTaken(outDir)) {
                throw new UsageException("--out " + outDir + " exists and is not empty; name a new folder");
            }
            MechanismSpec mechanism = null;
            int split = o.getInt("split", 2);
            if (o.get("mechanism", null) != null) {
                String arg = o.get("mechanism", null);
                MechanismPresets presets = MechanismPresets.user();
                mechanism = MechanismPresets.resolve(arg, presets);
                if (arg.startsWith("@") && o.get("split", null) == null) {
                    split = presets.load(arg.substring(1)).split();
                }
            }
            if (split < 0 || split > 6) {
                throw new UsageException("--split must be 0..6 (MiniLM has 6 layers), got " + split);
            }
            Pooling pooling = switch (o.get("pooling", "mean")) {
                case "mean" -> Pooling.MEAN;
                case "cls" -> Pooling.CLS;
                default -> throw new UsageException("--pooling takes mean or cls");
            };
            long seed = o.getInt("seed", 42);
            TrainingConfig cfg = TrainingConfig.defaults().withEpochs(o.getInt("epochs", 3))
                    .withBatchSize(o.getInt("batch", 32)).withLearningRate((float) o.getDouble("lr", 5e-5))
                    .withSeed(seed).withTrainBottom(o.has("train-bottom"));
            int maxLength = o.getInt("max-length", 64);

            FineTuningRun.Request request = new FineTuningRun.Request(o.get("data", "sentiment"), split, pooling, cfg,
                    maxLength, mechanism, cloud, 0, outDir, null);
            ConsoleProgress progress = ConsoleProgress.onStderr();
            try (AutoCloseable ctrlC = progress.cancelOnInterrupt()) {
                try {
                    FineTuningRun.run(request, progress, out::println, null);
                } catch (RemoteTopModel.RemoteEndpointException e) {
                    err.println("privtune train: cloud endpoint: " + e.getMessage() + "; nothing was exported");
                    return 1;
                }
                return 0;
            }
        }
    }

    /** Class probabilities of sentences under an exported model. */
    static final class Predict implements CliCommand {
        @Override
        public String name() {
            return "predict";
        }

        @Override
        public String summary() {
            return "classify sentences with an exported model";
        }

        @Override
        public String usage() {
            return "./privtune predict --model <folder> \"a sentence\" [\"another\" ...]";
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
            Options o = Options.parse(args, Set.of("model"), Set.of());
            if (o.positional().isEmpty()) {
                throw new UsageException("predict needs at least one sentence");
            }
            Path dir = Path.of(o.require("model"));
            if (!Files.isDirectory(dir)) {
                throw new InvalidInputException(dir.toString(), 0, null, "not a model folder (expected the output of ./privtune train)");
            }
            try (NDManager manager = DjlRuntime.pytorch().newBaseManager();
                    ModelExport.Imported model = ModelExport.read(dir, manager, null)) {
                List<String> labels = model.config().labels();
                float[][] p = model.probabilities(o.positional(), manager);
                for (int i = 0; i < p.length; i++) {
                    int best = SplitTrainer.argMax(p[i]);
                    List<String> parts = new ArrayList<>();
                    for (int c = 0; c < p[i].length; c++) {
                        parts.add(String.format(Locale.ROOT, "%s %.3f", labels.get(c), p[i][c]));
                    }
                    out.printf("%s\t%s\t%s%n", labels.get(best), String.join(", ", parts), o.positional().get(i));
                }
            }
            return 0;
        }
    }
}
