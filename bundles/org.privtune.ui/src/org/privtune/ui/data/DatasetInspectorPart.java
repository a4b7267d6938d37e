package org.privtune.ui.data;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.privtune.data.describe.DescribeOptions;
import org.privtune.studio.DatasetInspectorService;
import org.privtune.ui.prefs.StudioPreferences;

/**
 * Dataset Inspector: a built-in data set, a recent import or an imported file; its records with
 * filters, the word pieces of the selected text and the data set's charts, the same numbers as
 * {@code privtune data describe}. Builds its {@link DatasetInspectorControls} and
 * {@link DatasetInspectorController} and puts the controller into the part's context as the
 * {@link DatasetImport} of the File menu.
 */
public class DatasetInspectorPart {

    /** Element id of the part in the application model; also the family of its Jobs. */
    public static final String ID = "org.privtune.ui.part.datasetInspector";

    @Inject
    private DatasetInspectorService service;
    @Inject
    private IEclipseContext context;
    private DatasetInspectorControls controls;
    private DatasetInspectorController controller;

    @PostConstruct
    public void createControls(Composite parent) {
        IEclipsePreferences prefs = StudioPreferences.node();
        parent.setLayout(new FillLayout());
        controls = new DatasetInspectorControls(parent,
                prefs.getInt(DatasetInspectorController.PREF_MAX_TOKENS, DescribeOptions.DEFAULTS.maxTokens()));
        controller = new DatasetInspectorController(controls, service, prefs);
        context.set(DatasetImport.class, controller);
        controller.start();
    }

    @Focus
    public void setFocus() {
        controls.table.setFocus();
    }

    @PreDestroy
    public void dispose() {
        controller.dispose();
    }
}
