package org.privtune.ui.tuner;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.privtune.studio.NoiseTunerService;
import org.privtune.ui.prefs.StudioPreferences;

/**
 * Noise Tuner: mechanism and parameters, evaluated live against inversion and utility. Builds its
 * {@link NoiseTunerControls} and {@link NoiseTunerController} and puts the controller into the
 * part's context as the {@link PresetActions} of the Mechanism menu.
 */
public class NoiseTunerPart {

    /** Element id of the part in the application model; also the family of its Jobs. */
    public static final String ID = "org.privtune.ui.part.noiseTuner";

    @Inject
    private NoiseTunerService service;
    @Inject
    private IEventBroker broker;
    @Inject
    private IEclipseContext context;
    private NoiseTunerControls controls;
    private NoiseTunerController controller;

    @PostConstruct
    public void createControls(Composite parent) {
        parent.setLayout(new FillLayout());
        controls = new NoiseTunerControls(parent);
        controller = new NoiseTunerController(controls, service, broker, StudioPreferences.node());
        context.set(PresetActions.class, controller);
        controller.start();
    }

    @Focus
    public void setFocus() {
        controls.mechanism.setFocus();
    }

    @PreDestroy
    public void dispose() {
        controller.dispose();
    }
}
