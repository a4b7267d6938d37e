package org.privtune.ui.explorer;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.privtune.studio.HopExplorerService;
import org.privtune.studio.NoiseTunerService;

/**
 * Neighbour-Hop Explorer: a sentence, one row per token (importance, n-hop target set, the
 * attacker's guess and its hop distance), and the selected token's neighbourhood in 2D. Builds its
 * {@link NeighbourHopExplorerControls} and {@link NeighbourHopExplorerController}.
 */
public class NeighbourHopExplorerPart {

    /** Element id of the part in the application model; also the family of its Jobs. */
    public static final String ID = "org.privtune.ui.part.neighbourHopExplorer";

    @Inject
    private NoiseTunerService tuner;
    @Inject
    private HopExplorerService hops;
    @Inject
    private IEventBroker broker;
    private NeighbourHopExplorerControls controls;
    private NeighbourHopExplorerController controller;

    @PostConstruct
    public void createControls(Composite parent) {
        parent.setLayout(new FillLayout());
        controls = new NeighbourHopExplorerControls(parent, NeighbourHopExplorerController.DRAWS);
        controller = new NeighbourHopExplorerController(controls, tuner, hops, broker);
        controller.start();
    }

    @Focus
    public void setFocus() {
        controls.sentence.setFocus();
    }

    @PreDestroy
    public void dispose() {
        controller.dispose();
    }
}
