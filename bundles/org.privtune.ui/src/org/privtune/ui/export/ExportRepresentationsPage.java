package org.privtune.ui.export;

import java.nio.file.Path;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.privtune.core.InvalidInputException;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.model.EncoderSource;
import org.privtune.studio.StudioExports;
import org.privtune.ui.prefs.StudioPreferences;
import org.privtune.ui.widgets.ModelPicker;
import org.privtune.ui.widgets.WidgetIds;

/**
 * Export representations for an audit, as {@code ./privtune export-representations}: the data
 * set, model, split layer, mechanism, test sentences and the safetensors file written.
 */
final class ExportRepresentationsPage extends ExportPage {

    static final String FIELD_DATA = "Data set";
    static final String FIELD_SPLIT = "Split layer";
    static final String FIELD_MECHANISM = "Mechanism";

    private Combo data;
    private ModelPicker model;
    private Spinner split;
    private Text mechanism;
    private Spinner limit;
    private Text file;

    ExportRepresentationsPage() {
        super("representations", "Export representations for an audit",
                "What the cloud receives for the test split, with the truth and the attacker's tables, as safetensors;"
                        + " the nearest-neighbour inversion on it is reported (releng/audit/a1_audit.py repeats it).");
    }

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(c);

        label(c, FIELD_DATA);
        data = WidgetIds.name(new Combo(c, SWT.DROP_DOWN), "reps.data");
        BuiltinDatasets.list().forEach(i -> data.add(i.name()));
        data.setText(StudioPreferences.tunerDataset());
        data.setToolTipText("A built-in data set, the name of a recent import or a labelled file");
        data.addModifyListener(e -> changed());
        GridDataFactory.fillDefaults().grab(true, false).span(2, 1).applyTo(data);

        label(c, "Model");
        model = new ModelPicker(c, "reps.model", StudioPreferences.defaultModel());
        GridDataFactory.fillDefaults().span(2, 1).applyTo(model.combo());
        model.onRefused(this::setErrorMessage);

        label(c, FIELD_SPLIT);
        split = WidgetIds.name(new Spinner(c, SWT.BORDER), "reps.split");
        split.setValues(Math.min(2, model.selection().config().layers()), 0, model.selection().config().layers(), 0,
                1, 1);
        split.setToolTipText("The device runs the model's embeddings and the layers below it");
        model.onChange(m -> split.setMaximum(m.config().layers()));
        GridDataFactory.fillDefaults().span(2, 1).applyTo(split);

        label(c, FIELD_MECHANISM);
        mechanism = WidgetIds.name(new Text(c, SWT.BORDER), "reps.mechanism");
        mechanism.setText("@" + MechanismPresets.RECOMMENDED);
        mechanism.setToolTipText("A spec such as privtune:eps=32,n=2, or a preset such as @privtune-swap or @training");
        mechanism.addModifyListener(e -> changed());
        GridDataFactory.fillDefaults().grab(true, false).span(2, 1).applyTo(mechanism);

        label(c, "Test sentences");
        limit = WidgetIds.name(new Spinner(c, SWT.BORDER), "reps.limit");
        limit.setValues(0, 0, 1_000_000, 0, 10, 100);
        limit.setToolTipText("Test sentences exported; 0 exports the whole test split");
        GridDataFactory.fillDefaults().span(2, 1).applyTo(limit);

        file = pathField(c, StudioExports.FIELD_OUTPUT_FILE, "reps.file",
                "The safetensors file written (replaced if it exists, only once the export is complete)", false,
                ".safetensors");
        setControl(c);
    }

    private static void label(Composite c, String text) {
        new Label(c, SWT.NONE).setText(text + ":");
    }

    @Override
    boolean filled() {
        return filled(mechanism, file) && !data.getText().trim().isEmpty();
    }

    @Override
    ExportWizard.Request request() {
        String dataSet = data.getText().trim();
        String refused = StudioPreferences.checkDataset(dataSet);
        if (dataSet.isEmpty() || refused != null) {
            throw new InvalidInputException(FIELD_DATA, 0, null, dataSet.isEmpty() ? "empty" : refused);
        }
        EncoderSource encoder = model.selection();
        int layer = split.getSelection();
        if (layer > encoder.config().layers()) {
            throw new InvalidInputException(FIELD_SPLIT, 0, null,
                    layer + " is more than the " + encoder.config().layers() + " layers of " + encoder.name());
        }
        MechanismSpec spec;
        try {
            spec = MechanismPresets.resolve(mechanism.getText().trim(), MechanismPresets.user());
        } catch (InvalidInputException | IllegalArgumentException e) {
            throw new InvalidInputException(FIELD_MECHANISM, 0, null, e.getMessage(), e);
        }
        Path out = StudioExports.checkOutputFile(path(file, StudioExports.FIELD_OUTPUT_FILE), ".safetensors");
        int sentences = limit.getSelection();
        String modelName = model.selectionText();
        Path cache = StudioPreferences.cacheDir();
        return new ExportWizard.Request("Export representations to " + out.getFileName(),
                progress -> StudioExports.exportRepresentations(dataSet, modelName, layer, spec, out, sentences, cache,
                        progress).report());
    }
}
