package org.privtune.cli;

import java.util.Arrays;
import java.util.List;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;

/** The Equinox application behind {@code ./privtune <command>}: no display, exit code passed on. */
public class HeadlessApplication implements IApplication {

    @Override
    public Object start(IApplicationContext context) {
        String[] args = (String[]) context.getArguments().get(IApplicationContext.APPLICATION_ARGS);
        List<String> argv = args == null ? List.of() : Arrays.asList(args);
        context.applicationRunning();
        int code = new PrivTuneCli().run(argv, System.out, System.err);
        System.out.flush();
        return Integer.valueOf(code);
    }

    @Override
    public void stop() {
    }
}
