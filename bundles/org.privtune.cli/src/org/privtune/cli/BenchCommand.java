package org.privtune.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.privtune.bench.MechanismBenchmark;
import org.privtune.bench.SubstitutionBound;
import org.privtune.bench.TrainingBenchmark;
import org.privtune.bench.TunerBenchmark;
import org.privtune.model.EncoderSource;
import org.privtune.model.ModelRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code ./privtune bench train | mechanism | tuner}: the measurement half of the scripts in
 * releng/bench, run inside the product so that it measures exactly what the studio runs. Each
 * benchmark takes positional values, checked here and passed on in this order (defaults included)
 * to the benchmark's {@code main}. The benchmarks live in the bundle {@code org.privtune.bench},
 * which the standalone product carries and an IDE installed from the update site does not; without
 * it the command says so.
 */
@Command(name = "bench", description = "Benchmarks: training throughput, mechanism cost, Noise Tuner latency.")
final class BenchCommand {

    @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** A benchmark's entry point. */
    interface Main {
        void main(String[] args) throws Exception;
    }

    /** One positional value: its label, check, default (null: left out when not given) and meaning. */
    record Value(String label, ITypeConverter<?> check, String defaultValue, String description) {
    }

    /** Adds the benchmarks to the {@code bench} command. */
    static void addBenchmarks(CommandLine bench) {
        bench.addSubcommand(benchmark("train", new String[] { "Fine-tuning throughput (examples/s, CPU time per step) and RSS." },
                args -> TrainingBenchmark.main(args),
                new Value("<steps>", new OptionTypes.Positive(), "30", "Measured steps."),
                new Value("<warm-up>", new OptionTypes.NonNegative(), "5", "Steps run before measuring."),
                new Value("<batch>", new OptionTypes.Positive(), "32", "Sentences per step."),
                new Value("<tokens>", new OptionTypes.Tokens(), "64", "Tokens per sentence."),
                new Value("<split>", new OptionTypes.SplitLayer(), "2", "The model's layers on the device.")));
        bench.addSubcommand(benchmark("mechanism", new String[] { "Neighbour-graph build time and the cost of each mechanism.",
                "With an empty cache folder it measures the cold graph build." }, args -> MechanismBenchmark.main(args),
                new Value("<split>", new OptionTypes.SplitLayer(), "2", "The model's layers on the device."),
                new Value("<k>", new OptionTypes.Positive(), "10", "Neighbours per token in the graph."),
                new Value("<cache folder>", null, "${sys:java.io.tmpdir}/privtune-cache", "Reference space and graph cache."),
                new Value("<sentences.txt>", null, null, "Sentences to perturb, one a line (default: built-in ones).")));
        bench.addSubcommand(benchmark("tuner", new String[] { "Noise Tuner point latency against a target." }, args -> TunerBenchmark.main(args),
                new Value("<target ms>", new OptionTypes.Positive(), "200", "The latency a point should stay under."),
                new Value("<repetitions>", new OptionTypes.Positive(), "7", "Evaluations per mechanism."),
                new Value("<split>", new OptionTypes.SplitLayer(), "2", "The model's layers on the device."),
                new Value("<data set>", null, "sentiment", "The data set evaluated.")));
        bench.addSubcommand(benchmark("bound", new String[] { "Context-free Bayes bound on inverting a text-level"
                + " substitution (privtune-swap) on the test sentences an experiment attacks, and the sent tokens that"
                + " make it up." }, args -> SubstitutionBound.main(args),
                new Value("<data set>", null, "sentiment", "The victim's data set."),
                new Value("<configuration>", new OptionTypes.OneOf("quick", "full"), "quick",
                        "The experiment configuration whose training and test sentences are counted."),
                new Value("<mechanism>", null, SubstitutionBound.CODED, "A privtune-swap spec.")));
    }

    private static CommandLine benchmark(String name, String[] description, Main main, Value... values) {
        List<PositionalParamSpec> given = new ArrayList<>();
        CommandLine[] self = new CommandLine[1];
        OptionSpec[] model = new OptionSpec[1];
        CommandSpec spec = CommandSpec.wrapWithoutInspection((Callable<Integer>) () -> {
            for (int i = 0; i < values.length; i++) {
                if (values[i].check() instanceof OptionTypes.SplitLayer && given.get(i).getValue() != null) {
                    EncoderSource m = new OptionTypes.Model().convert(model[0].getValue() == null
                            ? ModelRegistry.DEFAULT.name() : model[0].getValue().toString());
                    int split = Integer.parseInt(given.get(i).getValue().toString().trim());
                    int layers = m.config().layers();
                    if (split > layers) {
                        throw new ParameterException(self[0], "Invalid value for positional parameter at index " + i
                                + " (" + values[i].label() + "): " + split + " is not a split layer of " + m.name()
                                + ", which has " + layers + " layers (0.." + layers + ")");
                    }
                }
            }
            if (!benchBundlePresent()) {
                self[0].getErr().println("privtune bench: the benchmarks (bundle org.privtune.bench) come with the"
                        + " standalone product only; this installation does not have them");
                return 1;
            }
            List<String> args = new ArrayList<>();
            if (model[0].getValue() != null) {
                args.add("--model=" + model[0].getValue()); // read by the benchmark before its positional values
            }
            for (PositionalParamSpec p : given) {
                if (p.getValue() != null) {
                    args.add(p.getValue().toString());
                }
            }
            main.main(args.toArray(String[]::new));
            return 0;
        });
        for (int i = 0; i < values.length; i++) {
            Value v = values[i];
            PositionalParamSpec.Builder p = PositionalParamSpec.builder().index(Integer.toString(i)).arity("0..1")
                    .paramLabel(v.label()).type(String.class).description(v.description());
            if (v.check() != null) {
                p.converters(value -> {
                    v.check().convert(value); // refuses a bad value, naming the position and the value
                    return value;
                });
            }
            if (v.defaultValue() != null) {
                p.defaultValue(v.defaultValue());
            }
            PositionalParamSpec built = p.build();
            given.add(built);
            spec.addPositional(built);
        }
        model[0] = OptionSpec.builder("--model").paramLabel("<name or folder>").type(String.class)
                .description(OptionTypes.MODEL_HELP).converters(value -> {
                    new OptionTypes.Model().convert(value); // refuses an unknown name or a bad folder, naming the option
                    return value;
                }).build();
        spec.addOption(model[0]);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.").build());
        spec.usageMessage().description(description);
        spec.name(name);
        self[0] = new CommandLine(spec);
        return self[0];
    }

    /** True when the optional bundle {@code org.privtune.bench} was resolved, so its classes load. */
    static boolean benchBundlePresent() {
        try {
            Class.forName("org.privtune.bench.MechanismBenchmark", false, BenchCommand.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
