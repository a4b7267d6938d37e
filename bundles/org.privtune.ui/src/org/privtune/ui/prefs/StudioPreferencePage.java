package org.privtune.ui.prefs;

import java.nio.file.Path;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.preference.PreferencePage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.osgi.service.prefs.BackingStoreException;
import org.privtune.mechanism.ModelResources;
import org.privtune.ui.widgets.ModelPicker;

/**
 * Window > Preferences > PrivTune Studio: the Noise Tuner's data set and refresh target, and the
 * cache folder of reference spaces and graphs. Values are checked as they are typed (the message
 * names the field); nothing is stored until Apply or OK, and then all at once. Restore Defaults
 * puts the defaults into the fields (an empty data set and cache folder mean the defaults).
 */
public class StudioPreferencePage extends PreferencePage {

    private Text dataset;
    private Spinner target;
    private Text cache;
    private ModelPicker model;

    public StudioPreferencePage() {
        super("PrivTune Studio");
        setDescription("Settings of the views; Apply or Apply and Close stores them and the views follow at once. "
                + "Restore Defaults fills in the defaults (stored on Apply).");
    }

    /** Shell data key under which the page is found by the UI tests. */
    public static final String PAGE_KEY = "org.privtune.ui.prefs.page";

    @Override
    protected Control createContents(Composite parent) {
        parent.getShell().setData(PAGE_KEY, this);
        Composite c = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(3).applyTo(c);

        new Label(c, SWT.NONE).setText("Noise Tuner data set:");
        dataset = new Text(c, SWT.BORDER);
        dataset.setMessage("sentiment");
        dataset.setToolTipText("Built-in name, name of a recent import, or the path of a data file; the tuner "
                + "samples its dev split and computes token importance and relevance on its train split");
        GridDataFactory.fillDefaults().grab(true, false).span(2, 1).hint(320, SWT.DEFAULT).applyTo(dataset);

        new Label(c, SWT.NONE).setText("Refresh target (ms):");
        target = new Spinner(c, SWT.BORDER);
        target.setValues((int) StudioPreferences.DEFAULT_TARGET_MS, StudioPreferences.MIN_TARGET_MS,
                StudioPreferences.MAX_TARGET_MS, 0, 50, 500);
        target.setToolTipText("The first point after a change uses as many sample sentences as fit in this time");
        GridDataFactory.fillDefaults().span(2, 1).applyTo(target);

        new Label(c, SWT.NONE).setText("Cache folder:");
        cache = new Text(c, SWT.BORDER);
        cache.setMessage(ModelResources.defaultCacheDir().toString());
        cache.setToolTipText("Reference spaces, neighbour graphs and importance tables (empty: the default)");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(cache);
        Button browse = new Button(c, SWT.PUSH);
        browse.setText("Browse\u2026");
        browse.addListener(SWT.Selection, e -> {
            DirectoryDialog d = new DirectoryDialog(getShell());
            d.setFilterPath(StudioPreferences.cacheDir().toString());
            String chosen = d.open();
            if (chosen != null) {
                cache.setText(chosen);
            }
        });

        new Label(c, SWT.NONE).setText("Default model:");
        model = new ModelPicker(c, "defaultModel", StudioPreferences.defaultModel());
        model.onRefused(this::setErrorMessage);
        model.onChange(m -> setErrorMessage(null));
        GridDataFactory.fillDefaults().span(2, 1).applyTo(model.combo());

        dataset.setText(StudioPreferences.node().get(StudioPreferences.TUNER_DATASET, ""));
        target.setSelection((int) StudioPreferences.targetMs());
        cache.setText(StudioPreferences.node().get(StudioPreferences.CACHE_DIR, ""));
        dataset.addListener(SWT.Modify, e -> validate());
        cache.addListener(SWT.Modify, e -> validate());
        validate();
        return c;
    }

    private void validate() {
        String problem = StudioPreferences.checkDataset(dataset.getText());
        if (problem != null) {
            problem = "Noise Tuner data set: " + problem;
        } else {
            problem = StudioPreferences.checkCacheDir(cache.getText());
            problem = problem == null ? null : "Cache folder: " + problem;
        }
        setErrorMessage(problem);
        setValid(problem == null);
    }

    @Override
    protected void performDefaults() {
        dataset.setText("");
        target.setSelection((int) StudioPreferences.DEFAULT_TARGET_MS);
        cache.setText("");
        validate();
        super.performDefaults();
    }

    @Override
    public boolean performOk() {
        validate();
        if (!isValid()) {
            return false;
        }
        var node = StudioPreferences.node();
        node.put(StudioPreferences.TUNER_DATASET, dataset.getText().trim());
        node.putLong(StudioPreferences.TUNER_TARGET_MS, target.getSelection());
        String dir = cache.getText().trim();
        node.put(StudioPreferences.CACHE_DIR, dir.isEmpty() ? "" : Path.of(dir).toString());
        node.put(StudioPreferences.DEFAULT_MODEL, model.selectionText());
        try {
            node.flush();
        } catch (BackingStoreException e) {
            setErrorMessage("Could not save the preferences: " + e.getMessage());
            return false;
        }
        return true;
    }

    // --- read by the UI tests -----------------------------------------------------------------

    public Text datasetField() {
        return dataset;
    }

    public Spinner targetField() {
        return target;
    }

    public Text cacheField() {
        return cache;
    }

    public ModelPicker modelField() {
        return model;
    }
}
