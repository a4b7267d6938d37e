package org.privtune.attack.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.privtune.core.Progress;
import org.privtune.model.TrainingDivergedException;

/**
 * Runs a grid of settings through a {@link SettingExecutor} and keeps the experiment folder up to
 * date after each one: a setting whose {@code settings/<key>.json} exists is skipped (resumable:
 * a re-run, or a run after a crash or cancel, only does what is missing); results.csv,
 * results.json, summary.md and the charts are rewritten from every finished setting in the folder.
 */
public final class ExperimentRunner {

    /**
     * What a run did.
     *
     * @param failed per setting whose training diverged: its key and the trainer's message (the
     *               setting is not written, so a re-run tries it again)
     */
    public record Outcome(int ran, int skipped, List<SettingResult> results, List<Path> charts, List<String> failed) {
    }

    private final ResultFiles files;
    private final SettingExecutor executor;
    private final String command;
    private final boolean charts;

    /**
     * @param command the command line recorded in the summary
     * @param charts  draw the PNG charts after each setting
     */
    public ExperimentRunner(Path outDir, SettingExecutor executor, String command, boolean charts) {
        this.files = new ResultFiles(outDir);
        this.executor = executor;
        this.command = command;
        this.charts = charts;
    }

    public ResultFiles files() {
        return files;
    }

    /** Settings that are not finished yet. */
    public List<Setting> pending(List<Setting> grid) {
        return grid.stream().filter(s -> !files.isFinished(s)).toList();
    }

    public Outcome run(List<Setting> grid, Progress progress) throws Exception {
        List<Setting> remaining = pending(grid);
        int skipped = grid.size() - remaining.size();
        progress.begin(String.format(Locale.ROOT, "Experiment: %d settings (%d already done)", grid.size(), skipped),
                remaining.size());
        List<Path> written = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        int ran = 0;
        try {
            List<SettingResult> all = files.readAll();
            if (remaining.isEmpty()) {
                written = writeOutputs(all);
            }
            for (int i = 0; i < remaining.size(); i++) {
                progress.checkCancelled();
                Setting s = remaining.get(i);
                String prefix = String.format(Locale.ROOT, "[%d/%d] %s", i + 1, remaining.size(), s.key());
                progress.subTask(prefix);
                SettingResult r;
                try {
                    r = executor.run(s, new Nested(progress, prefix));
                } catch (TrainingDivergedException e) {
                    // one diverged setting does not cost the rest of a grid of hours
                    failed.add(s.key() + ": " + e.getMessage());
                    progress.worked(1);
                    continue;
                }
                files.writeSetting(r);
                ran++;
                all = files.readAll();
                written = writeOutputs(all);
                progress.worked(1);
            }
            return new Outcome(ran, skipped, all, written, List.copyOf(failed));
        } finally {
            progress.done();
        }
    }

    private List<Path> writeOutputs(List<SettingResult> all) throws IOException {
        files.writeTables(all, command);
        return charts && !all.isEmpty() ? ResultCharts.write(all, files.dir().resolve("charts")) : List.of();
    }

    /**
     * The progress handed to one setting: its own begin/worked calls only rename the sub-task of
     * the experiment line (whose count and ETA are in settings), cancellation is the outer one.
     */
    static final class Nested implements Progress {
        private final Progress outer;
        private final String prefix;
        private String task = "";
        private int total;
        private int done;

        Nested(Progress outer, String prefix) {
            this.outer = outer;
            this.prefix = prefix;
        }

        @Override
        public void begin(String name, int totalWork) {
            task = name;
            total = totalWork;
            done = 0;
            outer.subTask(prefix + ": " + name);
        }

        @Override
        public void worked(int units) {
            done += units;
            if (total > 0) {
                outer.subTask(String.format(Locale.ROOT, "%s: %s %d/%d", prefix, task, done, total));
            }
        }

        @Override
        public void subTask(String name) {
            outer.subTask(prefix + ": " + task + (total > 0 ? " " + done + "/" + total : "") + " " + name);
        }

        @Override
        public boolean isCancelled() {
            return outer.isCancelled();
        }
    }
}
