package org.privtune.ui.export;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.privtune.studio.StudioExports;

/** Export result tables: an experiment folder's results.csv, results.json and summary.md to a folder. */
final class ExportTablesPage extends FolderCopyPage {

    ExportTablesPage() {
        super("tables", "Export result tables",
                "Copy an experiment's results.csv, results.json and summary.md; files of the same names there are replaced.",
                new String[] { StudioExports.FIELD_EXPERIMENT_FOLDER,
                        "The folder ./privtune experiment --out wrote (results.csv, summary.md, charts)" },
                new String[] { StudioExports.FIELD_TABLES_DESTINATION,
                        "The folder that receives the tables (created if missing)" });
    }

    @Override
    ExportWizard.Request request() {
        Path from = path(source, StudioExports.FIELD_EXPERIMENT_FOLDER);
        Path to = StudioExports.checkResultTables(from, path(destination, StudioExports.FIELD_TABLES_DESTINATION));
        return new ExportWizard.Request("Export the result tables of " + from.getFileName(), progress -> {
            List<Path> written = StudioExports.exportResultTables(from, to, progress);
            return "Wrote " + written.stream().map(p -> p.getFileName().toString())
                    .collect(Collectors.joining(", ")) + " to " + to.toAbsolutePath().normalize() + ".";
        });
    }
}
