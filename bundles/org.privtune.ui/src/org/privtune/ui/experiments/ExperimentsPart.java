package org.privtune.ui.experiments;

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
import org.privtune.studio.ExperimentService;
import org.privtune.ui.prefs.StudioPreferences;

/**
 * Experiments: runs the privacy/utility experiment of {@code ./privtune experiment} from the
 * studio, lists the runs history (trainings and experiments) and shows a run's results table and
 * frontier charts, or two runs compared. Builds its {@link ExperimentsControls} and
 * {@link ExperimentsController}.
 */
public final class ExperimentsPart {

    /** Element id of the part in the application model; also the family of its Jobs. */
    public static final String ID = "org.privtune.ui.part.experiments";

    @Inject
    private ExperimentService experiments;
    @Inject
    private IEventBroker broker;
    private ExperimentsControls controls;
    private ExperimentsController controller;

    @PostConstruct
    public void createControls(Composite parent) {
        List<String> names = new ArrayList<>();
        BuiltinDatasets.list().forEach(i -> names.add(i.name()));
        try {
            RecentImports.defaults().list().stream().map(RecentImports.Entry::name).filter(n -> !names.contains(n))
                    .forEach(names::add);
        } catch (RuntimeException e) {
            // recent imports unreadable: the built-in sets remain, the Dataset Inspector reports it
        }
        parent.setLayout(new FillLayout());
        controls = new ExperimentsControls(parent, StudioPreferences.node(), names,
                names.contains(BuiltinDatasets.DEFAULT) ? BuiltinDatasets.DEFAULT : names.get(0));
        controller = new ExperimentsController(controls, experiments, broker, StudioPreferences.node());
        controller.start();
    }

    @Focus
    public void focus() {
        controls.runs.setFocus();
    }

    @PreDestroy
    public void dispose() {
        controller.dispose();
    }
}
