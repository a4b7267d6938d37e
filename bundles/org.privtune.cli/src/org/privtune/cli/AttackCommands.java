package org.privtune.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.privtune.attack.experiment.ExperimentCommand;
import org.privtune.attack.experiment.ExperimentConfig;
import org.privtune.attack.experiment.ExportRepresentationsCommand;
import org.privtune.core.ConsoleProgress;
import org.privtune.core.InvalidInputException;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.ModelResources;
import org.privtune.studio.ExperimentService;
import org.privtune.studio.RunHistory;
import org.privtune.studio.RunRecord;
import org.privtune.model.EncoderSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code experiment} and {@code export-representations}, served by bundle org.privtune.attack. */
final class AttackCommands {

    private AttackCommands() {
    }

    /** Eps values of {@code --quick} when none are given. */
    static final String QUICK_EPS = "8,32";

    /** Seeds of {@code --quick} when none are given. */
    static final String QUICK_SEEDS = "1";

    /** Defaults that come from the attack and mechanism bundles, shown in the help as they are. */
    static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec o)) {
                return null;
            }
            return switch (o.longestName()) {
                case "--mechanisms" -> String.join(",", ExperimentConfig.DEFAULT_MECHANISMS);
                case "--eps" -> ExperimentConfig.DEFAULT_EPS.stream().map(AttackCommands::number)
                        .collect(Collectors.joining(","));
                case "--cache" -> ModelResources.defaultCacheDir().toString();
                default -> null;
            };
        }
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * An entry of {@code --mechanisms}: a known mechanism with the parameters it takes, or a preset;
     * kept in the form of setting keys (';' between parameters).
     */
    static final class ExperimentMechanism implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String entry = value.trim();
            if (entry.isEmpty()) {
                throw new TypeConversionException("an empty entry in the list");
            }
            try {
                return ExperimentCommand.entry(entry, MechanismPresets.user());
            } catch (InvalidInputException e) {
                throw new TypeConversionException("--mechanisms".equals(e.field()) ? e.problem() : e.getMessage());
            }
        }
    }

    /** A mechanism spec such as privtune:eps=8,n=2, or @preset. */
    static final class Spec implements ITypeConverter<MechanismSpec> {
        @Override
        public MechanismSpec convert(String value) {
            try {
                return MechanismPresets.resolve(value, MechanismPresets.user());
            } catch (InvalidInputException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** The data set, split layer and cache both commands prepare the experiment's parts from. */
    static final class Setup {
        @Option(names = "--data", paramLabel = "<name or file>", description = "A built-in name, a recent import or a labelled file.")
        String data = "sentiment";

        @Option(names = "--model", paramLabel = "<name or folder>", description = OptionTypes.MODEL_HELP)
        String model;

        @Option(names = "--split", paramLabel = "<layer>", converter = OptionTypes.SplitLayer.class,
                description = "The model's layers on the device, 0 to its layer count.")
        int split = 2;

        /** Refuses an unknown model or a split layer it does not have, naming the option. */
        void check(CliCommand command) {
            EncoderSource m;
            try {
                m = new OptionTypes.Model().convert(model);
            } catch (picocli.CommandLine.TypeConversionException e) {
                throw command.usage("Invalid value for option '--model': " + e.getMessage());
            }
            OptionTypes.checkSplit(command, "--split", split, m);
        }

        @Option(names = "--cache", paramLabel = "<folder>", description = "Reference space and neighbour graph cache.")
        Path cache;
    }

    /** {@code ./privtune experiment}: the privacy/utility grid, resumable. */
    @Command(name = "experiment", defaultValueProvider = Defaults.class, description = {
            "Fine-tune per mechanism and eps, run every attack, tabulate and chart.",
            "Writes results.csv/json, summary.md and charts. Resumable: settings whose settings/<key>.json exists in"
                    + " the folder are skipped." },
            footer = { "",
                    "A mechanism may carry parameters, separated by ',' as everywhere: none,privtune-swap:keep=0.05,n=3,dchi"
                            + " (an entry starts at each ',' not followed by key=; ';' between parameters is read too and"
                            + " is what result tables show). @name takes a preset's mechanism and parameters, its eps"
                            + " coming from --eps (./privtune presets lists them). --data takes any labelled data set; B1"
                            + " runs where records have a source, length and number/name attributes are computed from"
                            + " the text." })
    static final class Experiment extends CliCommand {
        @Option(names = "--out", required = true, paramLabel = "<folder>", description = "The experiment folder.")
        Path outDir;

        @Mixin
        Setup setup;

        @Option(names = "--mechanisms", paramLabel = "<mechanism>", split = MechanismSpec.LIST_SEPARATOR,
                splitSynopsisLabel = ",", converter = ExperimentMechanism.class,
                description = "The mechanisms or @presets, separated by ','.")
        List<String> mechanisms;

        @Option(names = "--eps", paramLabel = "<eps>", split = ",", converter = OptionTypes.PositiveNumber.class,
                description = "Eps values of every mechanism but none, separated by ','; with --quick " + QUICK_EPS + ".")
        List<Double> eps;

        @Option(names = "--seeds", paramLabel = "<n>", converter = OptionTypes.Positive.class, defaultValue = "3",
                description = "Seeds per setting; with --quick " + QUICK_SEEDS + ".")
        int seeds;

        @Option(names = "--quick", description = "400 training sentences, 1 epoch, 150 test sentences, smaller attacks (minutes per setting).")
        boolean quick;

        @Option(names = "--no-charts", description = "Write the tables only.")
        boolean noCharts;

        @Option(names = "--sample", paramLabel = "<records>", converter = OptionTypes.Positive.class,
                description = "Take the victim's data as a fixed sample of this many records of the data set (e.g."
                        + " 5000 of imdb: its other reviews stay public, the sampled ones are kept out of the"
                        + " attacker's auxiliary text and the public relevance). Default: the whole set.")
        int sample;

        /** The configuration these options describe (nothing run). */
        ExperimentConfig config() {
            var parsed = spec.commandLine().getParseResult();
            List<Double> e = eps;
            int s = seeds;
            if (quick && !parsed.hasMatchedOption("--eps")) {
                e = List.of(QUICK_EPS.split(",")).stream().map(Double::valueOf).toList();
            }
            if (quick && !parsed.hasMatchedOption("--seeds")) {
                s = Integer.parseInt(QUICK_SEEDS);
            }
            ExperimentConfig cfg = quick
                    ? ExperimentConfig.quick(setup.data, setup.split, mechanisms, e, s, outDir, setup.cache)
                    : ExperimentConfig.full(setup.data, setup.split, mechanisms, e, s, outDir, setup.cache);
            return cfg.withModel(setup.model).withSample(sample);
        }

        @Override
        public Integer call() throws Exception {
            setup.check(this);
            List<String> args = spec.commandLine().getParseResult().originalArgs();
            String command = "./privtune " + String.join(" ", args.subList(args.indexOf(spec.name()), args.size()));
            ConsoleProgress progress = new ConsoleProgress(err, System.console() != null);
            try (AutoCloseable ctrlC = progress.cancelOnInterrupt()) {
                RunHistory history = RunHistory.defaults();
                java.time.Instant started = java.time.Instant.now();
                ExperimentConfig cfg = config();
                ExperimentService.Recorded r = ExperimentService.runAndRecord(history,
                        history.idFor(RunRecord.EXPERIMENT, cfg.out(), started), started, RunRecord.COMMAND_LINE, cfg,
                        !noCharts, command, out, err, progress);
                if (r.record() != null) {
                    err.println("recorded in the runs history: " + history.file(r.record().id()));
                }
                return r.status();
            }
        }
    }

    /** {@code ./privtune export-representations}: what the cloud sees, for outside audits. */
    @Command(name = "export-representations", defaultValueProvider = Defaults.class, description = {
            "Write what the cloud sees, with the truth, as safetensors for audits.",
            "The file holds the perturbed test representations, mask, true ids, which positions are scored, R, the"
                    + " mechanism-aware attacker's table and the ids an attacker may guess; the command then prints"
                    + " the four A1 variants on it (releng/audit/a1_audit.py repeats them)." })
    static final class ExportRepresentations extends CliCommand {
        @Option(names = "--mechanism", required = true, paramLabel = "<spec>|@<preset>", converter = Spec.class,
                description = "A mechanism spec such as privtune:eps=8,n=2, or a preset such as @privtune-swap.")
        MechanismSpec mechanism;

        @Option(names = "--out", required = true, paramLabel = "<file.safetensors>", description = "The file written.")
        Path file;

        @Mixin
        Setup setup;

        @Option(names = "--limit", paramLabel = "<sentences>", converter = OptionTypes.NonNegative.class,
                description = "Test sentences exported (0: all).")
        int limit = 0;

        @Option(names = "--seed", paramLabel = "<n>", description = "Makes the noise repeatable and labels the output \"fixed seed, not"
                + " private\"; without it the noise is secret (SecureRandom).")
        Long seed;

        @Override
        public Integer call() throws Exception {
            setup.check(this);
            MechanismSpec m = seed == null ? mechanism : mechanism.withSeed(seed);
            ConsoleProgress progress = new ConsoleProgress(err, System.console() != null);
            try (AutoCloseable ctrlC = progress.cancelOnInterrupt()) {
                return new ExportRepresentationsCommand().run(setup.data, setup.split, m, file, limit, setup.cache,
                        setup.model, out, progress);
            }
        }
    }
}
