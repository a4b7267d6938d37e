package org.privtune.ui.training;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.data.io.RecentImports;
import org.privtune.studio.NoiseTunerService;
import org.privtune.ui.events.StudioTopics;
import org.privtune.ui.prefs.StudioPreferences;

/**
 * Split Training: fine-tunes the split model from the studio. The device part (bottom model and
 * mechanism) runs here; the top model trains in this process or on a remote cloud endpoint
 * ({@code ./privtune cloud}); the trained model is exported at the end. Builds its
 * {@link SplitTrainingControls} and {@link SplitTrainingController}.
 */
public final class SplitTrainingPart {

    /** Element id of the part in the application model; also the family of its Job. */
    public static final String ID = "org.privtune.ui.part.splitTraining";

    @Inject
    private NoiseTunerService tuner;
    @Inject
    private IEventBroker broker;
    private SplitTrainingControls controls;
    private SplitTrainingController controller;

    @PostConstruct
    public void createControls(Composite parent) {
        List<String> names = dataNames();
        parent.setLayout(new FillLayout());
        controls = new SplitTrainingControls(parent, StudioPreferences.node(), names,
                names.contains(BuiltinDatasets.DEFAULT) ? BuiltinDatasets.DEFAULT : names.get(0));
        controller = new SplitTrainingController(controls, tuner, StudioPreferences.node());
        controller.onRecorded(r -> broker.post(StudioTopics.RUNS, r));
        controller.start();
    }

    /** Built-in data sets, then recent imports. */
    private static List<String> dataNames() {
        List<String> names = new ArrayList<>();
        for (BuiltinDatasets.Info i : BuiltinDatasets.list()) {
            names.add(i.name());
        }
        try {
            for (RecentImports.Entry e : RecentImports.defaults().list()) {
                if (!names.contains(e.name())) {
                    names.add(e.name());
                }
            }
        } catch (RuntimeException e) {
            // recent imports unreadable: the built-in sets remain, the Dataset Inspector reports it
        }
        return names;
    }

    @Focus
    public void focus() {
        controls.data.setFocus();
    }

    @PreDestroy
    public void dispose() {
        controller.dispose();
    }
}
