package io.labctl.bastion.tftp;

import java.time.Duration;

/**
 * Transfer lifecycle events, e.g. for machine discovery and boot progress. Called on transfer threads;
 * keep implementations quick and thread-safe. Exceptions thrown here are logged and otherwise ignored.
 */
public interface TransferObserver {
    TransferObserver NONE = new TransferObserver() {
    };

    /** The file was found, options negotiated, and data is about to flow. */
    default void started(TransferInfo transfer) {
    }

    /** The client acknowledged the last block. */
    default void completed(TransferInfo transfer, long bytes, Duration duration) {
    }

    /** The request was refused (not found, access violation, bad options) or the transfer broke off. */
    default void failed(TransferInfo transfer, String reason) {
    }
}
