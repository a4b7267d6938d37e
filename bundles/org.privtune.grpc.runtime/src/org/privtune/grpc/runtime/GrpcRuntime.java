package org.privtune.grpc.runtime;

/**
 * The gRPC-java runtime this bundle carries (its jars are on the Bundle-ClassPath; the packages
 * io.grpc.* are exported), for messages that name it.
 */
public final class GrpcRuntime {

    /** The gRPC-java version of the jars in lib/. */
    public static final String VERSION = "1.85.0";

    private GrpcRuntime() {
    }
}
