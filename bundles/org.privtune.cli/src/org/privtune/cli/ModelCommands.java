package org.privtune.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.privtune.core.ConsoleProgress;
import org.privtune.core.InvalidInputException;
import org.privtune.device.FineTuningRun;
import org.privtune.device.RemoteTopModel;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.model.BertEncoder;
import org.privtune.model.EncoderSource;
import org.privtune.model.ModelExport;
import org.privtune.model.ModelRegistry;
import org.privtune.model.OnnxRuntimeOracle;
import org.privtune.model.Pooling;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TrainingConfig;
import org.privtune.protocol.TransportSecurity;
import org.privtune.studio.RunHistory;
import org.privtune.studio.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code verify-model}, {@code train} and {@code predict}: the model bundle from the command line. */
final class ModelCommands {

    private ModelCommands() {
    }

    /** Oracle comparison of the DJL encoder with ONNX Runtime on the built-in sentences. */
    @Command(name = "verify-model", description = "Compare the DJL encoder with ONNX Runtime (tolerance 1e-4).",
            footer = { "", "A model folder is compared with its model.onnx or onnx/model.onnx." })
    static final class VerifyModel extends CliCommand {
        @Option(names = "--model", paramLabel = "<name or folder>", converter = OptionTypes.Model.class,
                description = OptionTypes.MODEL_HELP)
        EncoderSource model = ModelRegistry.DEFAULT;

        @Override
        public Integer call() throws Exception {
            if (!OnnxRuntimeOracle.available()) {
                err.println("privtune verify-model: ONNX Runtime is not installed in this runtime (it ships with the "
                        + "standalone studio, not with the IDE plugin); run the oracle test of org.privtune.model.tests instead");
                return 1;
            }
            try (NDManager manager = DjlRuntime.pytorch().newBaseManager()) {
                if (model.onnxReference() == null) {
                    err.println("privtune verify-model: " + model.name() + " has no ONNX export to compare with"
                            + " (model.onnx or onnx/model.onnx)");
                    return 1;
                }
                BertEncoder encoder = model.load(manager);
                OnnxRuntimeOracle.Result r = OnnxRuntimeOracle.verify(model, encoder, manager);
                out.printf(Locale.ROOT, "%s (%s) on DJL/PyTorch vs ONNX Runtime: %d sentences padded to %d tokens%n",
                        model.name(), model.baseModel(), r.sentences(), r.paddedLength());
                out.printf(Locale.ROOT, "max abs difference of the last hidden state: %.3e (tolerance %.0e): %s%n",
                        r.maxAbsDiff(), 1e-4, r.passed() ? "OK" : "FAILED");
                return r.passed() ? 0 : 1;
            }
        }
    }

    /** How the classifier pools the top's token states. */
    enum PoolingChoice {
        mean(Pooling.MEAN), cls(Pooling.CLS);

        final Pooling pooling;

        PoolingChoice(Pooling pooling) {
            this.pooling = pooling;
        }
    }

    /**
     * Split fine-tuning, optionally with a privacy mechanism on the device (a spec or a preset saved
     * by the Noise Tuner), and export.
     */
    @Command(name = "train", description = { "Fine-tune the split model on a data set and export it.",
            "Prints dev accuracy per epoch and the final test accuracy." },
            footer = { "",
                    "The mechanism's noise, substitutions and shuffles are secret (SecureRandom) unless its spec fixes"
                            + " seed=N, which makes them repeatable and is labelled \"fixed seed, not private\"; --seed"
                            + " seeds only the training itself. The spec keys specials=public|perturb|clean ([CLS]/[SEP]"
                            + " rows) and lengths=B (pad sentences to a multiple of B tokens so the mask shows only the"
                            + " bucket) protect what else is sent.",
                    "With --cloud only the perturbed representations, their mask and the labels are sent; the trained"
                            + " top is fetched back for the export." })
    static final class Train extends CliCommand {
        @Option(names = "--data", paramLabel = "<name or file>", description = "A built-in name, a recent import or a labelled file.")
        String data = "sentiment";

        @Option(names = "--out", required = true, paramLabel = "<folder>", description = "Where the model is exported; must not exist yet or be empty.")
        Path outDir;

        @Option(names = "--model", paramLabel = "<name or folder>", converter = OptionTypes.Model.class,
                description = OptionTypes.MODEL_HELP)
        EncoderSource model = ModelRegistry.DEFAULT;

        @Option(names = "--split", paramLabel = "<layer>", converter = OptionTypes.SplitLayer.class,
                description = "The model's layers on the device, 0 to its layer count (default 2, or the preset's).")
        Integer split;

        @Option(names = "--epochs", paramLabel = "<n>", converter = OptionTypes.Positive.class, description = "Training epochs.")
        int epochs = 3;

        @Option(names = "--batch", paramLabel = "<n>", converter = OptionTypes.Positive.class, description = "Sentences per batch.")
        int batch = 32;

        @Option(names = "--max-length", paramLabel = "<tokens>", converter = OptionTypes.Tokens.class,
                description = "Tokens per sentence, longer ones are cut.")
        int maxLength = 64;

        @Option(names = "--lr", paramLabel = "<rate>", converter = OptionTypes.PositiveNumber.class, defaultValue = "5e-5",
                description = "Peak learning rate (AdamW).")
        double lr;

        @Option(names = "--pooling", paramLabel = "mean|cls", description = "How the head pools the token states.")
        PoolingChoice pooling = PoolingChoice.mean;

        @Option(names = "--seed", paramLabel = "<n>", description = "Seed of the training (initialisation, order, dropout).")
        long seed = 42;

        @Option(names = "--limit", paramLabel = "<sentences>", converter = OptionTypes.NonNegative.class,
                description = "Train on the first N training sentences only (0: all), for quick trials; dev and test"
                        + " stay whole.")
        int limit = 0;

        @Option(names = "--train-bottom", description = "Fine-tune the device's layers too.")
        boolean trainBottom;

        @Option(names = "--mechanism", paramLabel = "<spec>|@<preset>", description = "Perturbs what leaves the device during training and evaluation: a spec such as"
                + " privtune:eps=16,n=2 (parameters separated by ','), a built-in preset such as @privtune-swap"
                + " (./privtune presets lists them), or @training (the Noise Tuner's \"Use for training\" preset);"
                + " a preset also sets --split.")
        String mechanism;

        @Option(names = "--cloud", paramLabel = "<host:port>",
                description = "Train the top on a remote endpoint (./privtune cloud there) instead of in this process.")
        String cloud;

        @Option(names = "--cloud-cert", paramLabel = "<certificate>", description = "Connect with TLS 1.3 trusting only this"
                + " certificate (PEM/DER, or a PKCS#12 trust store opened with $" + CloudCommand.TLS_PASSWORD_ENV + ").")
        Path cloudCert;

        @Option(names = "--cloud-token-file", paramLabel = "<file>", description = "Send the endpoint's access token from this file.")
        Path cloudTokenFile;

        @Override
        public Integer call() throws Exception {
            FineTuningRun.Cloud remote = null;
            if (cloud != null) { // a mistyped address or file fails before any work
                remote = new FineTuningRun.Cloud(cloud,
                        cloudCert == null ? null
                                : CloudCommand.file("cloud-cert", () -> TransportSecurity.client(cloudCert, CloudCommand.password())),
                        cloudTokenFile == null ? null
                                : CloudCommand.file("cloud-token-file", () -> TransportSecurity.readToken(cloudTokenFile)));
            } else if (cloudCert != null || cloudTokenFile != null) {
                throw usage("--cloud-cert and --cloud-token-file need --cloud host:port");
            }
            if (FineTuningRun.isTaken(outDir)) {
                throw usage("--out " + outDir + " exists and is not empty; name a new folder");
            }
            MechanismSpec spec = null;
            int layer = split == null ? 2 : split;
            if (mechanism != null) {
                MechanismPresets presets = MechanismPresets.user();
                spec = MechanismPresets.resolve(mechanism, presets);
                if (mechanism.startsWith("@") && split == null) {
                    layer = presets.load(mechanism.substring(1)).split();
                }
            }
            OptionTypes.checkSplit(this, "--split", layer, model);
            if (maxLength > model.config().usablePositions()) {
                throw usage("Invalid value for option '--max-length': " + maxLength + " is more than the "
                        + model.config().usablePositions() + " positions " + model.name() + " has");
            }
            TrainingConfig cfg = TrainingConfig.defaults().withEpochs(epochs).withBatchSize(batch)
                    .withLearningRate((float) lr).withSeed(seed).withTrainBottom(trainBottom);
            FineTuningRun.Request request = new FineTuningRun.Request(data, layer, pooling.pooling, cfg, maxLength, spec,
                    remote, limit, outDir, null, model);
            ConsoleProgress progress = ConsoleProgress.onStderr();
            try (AutoCloseable ctrlC = progress.cancelOnInterrupt()) {
                try {
                    java.time.Instant started = java.time.Instant.now();
                    FineTuningRun.Result result = FineTuningRun.run(request, progress, out::println, null);
                    RunHistory.defaults().recordTraining(RunRecord.COMMAND_LINE, started, request, result, err::println);
                } catch (RemoteTopModel.RemoteEndpointException e) {
                    err.println("privtune train: cloud endpoint: " + e.getMessage() + "; nothing was exported");
                    return 1;
                }
                return 0;
            }
        }
    }

    /** Class probabilities of sentences under an exported model. */
    @Command(name = "predict", description = "Classify sentences with an exported model.")
    static final class Predict extends CliCommand {
        @Option(names = "--model", required = true, paramLabel = "<folder>", description = "A folder written by ./privtune train.")
        Path model;

        @Option(names = "--base", paramLabel = "<name or folder>", converter = OptionTypes.Model.class,
                description = "The base model this device holds (a built-in or a model folder): an export trained on"
                        + " another base, or on other weights of it, is refused.")
        EncoderSource base;

        @Parameters(arity = "1..*", paramLabel = "<sentence>", description = "The sentences to classify.")
        List<String> sentences;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(model)) {
                throw new InvalidInputException(model.toString(), 0, null, "not a model folder (expected the output of ./privtune train)");
            }
            try (NDManager manager = DjlRuntime.pytorch().newBaseManager();
                    ModelExport.Imported imported = ModelExport.read(model, manager, null)) {
                if (base != null) {
                    ModelExport.checkBase(model, imported.config(), base);
                }
                List<String> labels = imported.config().labels();
                float[][] p = imported.probabilities(sentences, manager);
                for (int i = 0; i < p.length; i++) {
                    int best = SplitTrainer.argMax(p[i]);
                    List<String> parts = new ArrayList<>();
                    for (int c = 0; c < p[i].length; c++) {
                        parts.add(String.format(Locale.ROOT, "%s %.3f", labels.get(c), p[i][c]));
                    }
                    out.printf("%s\t%s\t%s%n", labels.get(best), String.join(", ", parts), sentences.get(i));
                }
            }
            return 0;
        }
    }
}
