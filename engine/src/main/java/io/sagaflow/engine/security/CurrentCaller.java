package io.sagaflow.engine.security;

import jakarta.enterprise.context.RequestScoped;

/** The caller of the request being served, set by the API's access filter before any resource runs. */
@RequestScoped
public class CurrentCaller {

    private Caller caller = new Caller("unidentified", java.util.Set.of(), java.util.Set.of());   // least privilege until set

    public Caller get() {
        return caller;
    }

    public void set(Caller caller) {
        this.caller = caller;
    }
}
