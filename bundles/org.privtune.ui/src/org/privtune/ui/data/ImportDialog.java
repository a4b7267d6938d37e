package org.privtune.ui.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.IMessageProvider;
import org.eclipse.jface.dialogs.TitleAreaDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.privtune.core.CancelledException;
import org.privtune.core.InvalidInputException;
import org.privtune.data.Record;
import org.privtune.data.io.ColumnMapping;
import org.privtune.data.io.DataFormat;
import org.privtune.data.io.DatasetImporter;
import org.privtune.data.io.ImportOptions;
import org.privtune.data.io.ImportResult;
import org.privtune.ui.jobs.MonitorProgress;

/**
 * Import a labelled-text file: choose format, header and columns; the dialog shows the file's
 * first lines, then runs the data bundle's importer in the background on every change (debounced)
 * and shows the records it would take, its warnings, or the error it reports (file, line, field).
 * Import is only enabled once the importer accepted the file with these options.
 */
public class ImportDialog extends TitleAreaDialog {

    public static final String TITLE = "Import data set";
    private static final int RAW_LINES = 12;
    private static final int PREVIEW_RECORDS = 50;

    private Text file;
    private Combo format;
    private Combo header;
    private Text textColumn;
    private Text labelColumn;
    private Text sourceColumn;
    private Combo encoding;
    private Text name;
    private Button dropDuplicates;
    private Text raw;
    private Table records;
    private Text report;
    private Job check;
    private ImportResult result;

    public ImportDialog(Shell parent) {
        super(parent);
        setShellStyle(getShellStyle() | SWT.RESIZE | SWT.MAX);
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(TITLE);
    }

    @Override
    protected Point getInitialSize() {
        return new Point(900, 760);
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        setTitle("Import a labelled-text file");
        setMessage("CSV, TSV, JSON / JSON Lines, label<TAB>text (.txt) or ARFF, optionally .gz. Nothing is imported "
                + "unless every record passes the checks.");
        Composite area = (Composite) super.createDialogArea(parent);
        Composite c = new Composite(area, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(c);
        GridLayoutFactory.swtDefaults().numColumns(4).applyTo(c);

        new Label(c, SWT.NONE).setText("File");
        file = new Text(c, SWT.BORDER);
        GridDataFactory.fillDefaults().grab(true, false).span(2, 1).applyTo(file);
        Button browse = new Button(c, SWT.PUSH);
        browse.setText("Browse\u2026");
        browse.addListener(SWT.Selection, e -> {
            FileDialog fd = new FileDialog(getShell(), SWT.OPEN);
            fd.setFilterExtensions(new String[] {"*.csv;*.tsv;*.tab;*.json;*.jsonl;*.ndjson;*.txt;*.arff;*.gz", "*"});
            String f = fd.open();
            if (f != null) {
                file.setText(f);
            }
        });

        new Label(c, SWT.NONE).setText("Format");
        format = new Combo(c, SWT.READ_ONLY);
        format.add("from file name");
        for (DataFormat f : DataFormat.values()) {
            format.add(f.name().toLowerCase(Locale.ROOT));
        }
        format.select(0);
        new Label(c, SWT.NONE).setText("Header row (CSV/TSV)");
        header = new Combo(c, SWT.READ_ONLY);
        header.setItems("detect", "yes", "no");
        header.select(0);

        textColumn = column(c, "Text column");
        labelColumn = column(c, "Label column");
        sourceColumn = column(c, "Source column");
        new Label(c, SWT.NONE).setText("Name");
        name = new Text(c, SWT.BORDER);
        name.setMessage("file name");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(name);
        new Label(c, SWT.NONE).setText("Encoding");
        encoding = new Combo(c, SWT.READ_ONLY);
        encoding.setItems(ENCODINGS);
        encoding.select(0);
        encoding.setToolTipText("The file's character encoding; bytes not valid in it are an error naming the line");
        dropDuplicates = new Button(c, SWT.CHECK);
        dropDuplicates.setText("drop duplicate records");
        GridDataFactory.fillDefaults().span(2, 1).applyTo(dropDuplicates);

        raw = section(c, "First lines of the file", SWT.BORDER | SWT.MULTI | SWT.H_SCROLL | SWT.V_SCROLL | SWT.READ_ONLY, 110);
        raw.setFont(JFaceResources.getTextFont());
        Label l = new Label(c, SWT.NONE);
        l.setText("Records as imported (first " + PREVIEW_RECORDS + ")");
        GridDataFactory.fillDefaults().span(4, 1).applyTo(l);
        records = new Table(c, SWT.BORDER | SWT.FULL_SELECTION);
        records.setHeaderVisible(true);
        records.setLinesVisible(true);
        GridDataFactory.fillDefaults().span(4, 1).grab(true, true).hint(SWT.DEFAULT, 150).applyTo(records);
        for (String t : new String[] {"id", "label", "source", "text"}) {
            TableColumn col = new TableColumn(records, SWT.LEFT);
            col.setText(t);
            col.setWidth(t.equals("text") ? 520 : 90);
        }
        report = section(c, "Importer report", SWT.BORDER | SWT.MULTI | SWT.WRAP | SWT.V_SCROLL | SWT.READ_ONLY, 90);

        for (Text t : new Text[] {file, textColumn, labelColumn, sourceColumn, name}) {
            t.addListener(SWT.Modify, e -> recheck());
        }
        for (Control w : new Control[] {format, header, encoding, dropDuplicates}) {
            w.addListener(SWT.Selection, e -> recheck());
        }
        return area;
    }

    private static Text column(Composite c, String label) {
        new Label(c, SWT.NONE).setText(label);
        Text t = new Text(c, SWT.BORDER);
        t.setMessage("detect (name or 1-based number)");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(t);
        return t;
    }

    private static Text section(Composite c, String title, int style, int height) {
        Label l = new Label(c, SWT.NONE);
        l.setText(title);
        GridDataFactory.fillDefaults().span(4, 1).applyTo(l);
        Text t = new Text(c, style);
        GridDataFactory.fillDefaults().span(4, 1).grab(true, false).hint(SWT.DEFAULT, height).applyTo(t);
        return t;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, IDialogConstants.OK_ID, "Import", true).setEnabled(false);
        createButton(parent, IDialogConstants.CANCEL_ID, IDialogConstants.CANCEL_LABEL, false);
    }

    /** The options the widgets describe. */
    public ImportOptions options() {
        ImportOptions o = ImportOptions.DEFAULTS;
        if (format.getSelectionIndex() > 0) {
            o = o.withFormat(DataFormat.values()[format.getSelectionIndex() - 1]);
        }
        o = o.withHeader(switch (header.getSelectionIndex()) {
            case 1 -> Boolean.TRUE;
            case 2 -> Boolean.FALSE;
            default -> null;
        });
        ColumnMapping m = ColumnMapping.AUTO;
        if (!textColumn.getText().isBlank()) {
            m = m.withText(column(textColumn.getText()));
        }
        if (!labelColumn.getText().isBlank()) {
            m = m.withLabel(column(labelColumn.getText()));
        }
        if (!sourceColumn.getText().isBlank()) {
            m = m.withSource(column(sourceColumn.getText()));
        }
        o = o.withMapping(m).withDropDuplicates(dropDuplicates.getSelection()).withCharset(charset());
        return name.getText().isBlank() ? o : o.withName(name.getText().trim());
    }

    /** The encodings offered; UTF-8 first (the default). */
    static final String[] ENCODINGS = {"UTF-8", "ISO-8859-1", "windows-1252", "UTF-16", "UTF-16LE", "UTF-16BE",
        "US-ASCII"};

    private Charset charset() {
        return Charset.forName(ENCODINGS[Math.max(0, encoding.getSelectionIndex())]);
    }

    /** Chooses the file's encoding (as the combo would), one of {@link #ENCODINGS}. */
    public void setEncoding(String name) {
        encoding.select(List.of(ENCODINGS).indexOf(name));
        recheck();
    }

    /** A header name or a number counted from 1, as on the command line; 0 is refused. */
    private static ColumnMapping.Column column(String s) {
        return ColumnMapping.Column.parse(s, "column");
    }

    /** Sets the text and label columns (as typing them would). */
    public void setColumns(String text, String label) {
        textColumn.setText(text);
        labelColumn.setText(label);
    }

    public Table previewTable() {
        return records;
    }

    public boolean importEnabled() {
        return getButton(IDialogConstants.OK_ID).isEnabled();
    }

    /** Sets the file (as typing it would) and starts the check. */
    public void setFile(String path) {
        file.setText(path);
    }

    private void recheck() {
        result = null;
        getButton(IDialogConstants.OK_ID).setEnabled(false);
        records.removeAll();
        if (check != null) {
            check.cancel();
        }
        String f = file.getText().trim();
        if (f.isEmpty()) {
            return;
        }
        Path path = Path.of(f);
        ImportOptions o;
        try {
            o = options();
        } catch (InvalidInputException e) {
            report.setText("Error: " + e.problem());
            setMessage("The importer refused the file with these options; see its report below.", IMessageProvider.ERROR);
            return;
        }
        raw.setText(firstLines(path, o.charset()));
        report.setText("checking\u2026");
        check = Job.create("Checking " + path.getFileName(), monitor -> {
            ImportResult r = null;
            String message;
            try {
                r = DatasetImporter.importFile(path, o, new MonitorProgress(monitor));
                message = r.report().summary();
            } catch (CancelledException e) {
                return Status.CANCEL_STATUS;
            } catch (InvalidInputException e) {
                message = "Error: " + e.getMessage();
            } catch (RuntimeException e) {
                message = "Error: " + e;
            }
            ImportResult checked = r;
            String text = message;
            if (!monitor.isCanceled() && !getShell().isDisposed()) {
                getShell().getDisplay().asyncExec(() -> showCheck(checked, text, monitor.isCanceled()));
            }
            return Status.OK_STATUS;
        });
        check.schedule(300);
    }

    private void showCheck(ImportResult r, String text, boolean cancelled) {
        if (cancelled || report.isDisposed()) {
            return;
        }
        result = r;
        report.setText(text);
        report.setForeground(r == null ? report.getDisplay().getSystemColor(SWT.COLOR_RED) : null);
        if (r == null) {
            setMessage("The importer refused the file with these options; see its report below.", IMessageProvider.ERROR);
        } else {
            setMessage(String.format(Locale.ROOT, "%,d records, labels %s%s", r.report().records(),
                    r.report().countsPerLabel().keySet(), r.report().warnings().isEmpty() ? ""
                            : "; " + r.report().warnings().size() + " warning(s)"),
                    r.report().warnings().isEmpty() ? IMessageProvider.INFORMATION : IMessageProvider.WARNING);
            List<Record> rs = r.dataset().records();
            for (int i = 0; i < Math.min(PREVIEW_RECORDS, rs.size()); i++) {
                Record rec = rs.get(i);
                TableItem item = new TableItem(records, SWT.NONE);
                String t = rec.text().length() > 300 ? rec.text().substring(0, 300) + "\u2026" : rec.text();
                item.setText(new String[] {rec.id(), rec.label(), rec.source() == null ? "" : rec.source(),
                        t.replace('\n', ' ')});
            }
        }
        getButton(IDialogConstants.OK_ID).setEnabled(r != null);
    }

    /** The first lines of the file as text (decompressed when .gz), for the user to see what it holds. */
    static String firstLines(Path path, Charset charset) {
        if (!Files.isRegularFile(path)) {
            return "(no such file)";
        }
        try (InputStream in = open(path);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, charset))) {
            StringBuilder sb = new StringBuilder();
            String line;
            for (int i = 0; i < RAW_LINES && (line = r.readLine()) != null; i++) {
                sb.append(i + 1).append(": ").append(line.length() > 400 ? line.substring(0, 400) + "\u2026" : line).append('\n');
            }
            return sb.toString();
        } catch (IOException e) {
            return "(cannot be read: " + e.getMessage() + ")";
        }
    }

    private static InputStream open(Path path) throws IOException {
        InputStream in = Files.newInputStream(path);
        return path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz") ? new GZIPInputStream(in) : in;
    }

    /** The import the user accepted, or null. */
    public ImportResult result() {
        return result;
    }

    /** The importer's report or error as shown (for tests). */
    public String reportText() {
        return report.getText();
    }

    @Override
    public boolean close() {
        if (check != null) {
            check.cancel();
        }
        return super.close();
    }
}
