package io.rearguard.analysis;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body into memory up to a byte limit. A body that declares a larger
 * Content-Length, or streams more bytes than the limit, fails with {@link
 * ResponseTooLargeException} and the request is cancelled. Bytes beyond the limit are never copied.
 */
final class CappedBodyHandler implements HttpResponse.BodyHandler<byte[]> {
  private final long maxBytes;

  CappedBodyHandler(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
    long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1L);
    return new CappedSubscriber(maxBytes, declared);
  }

  /** Requests one chunk at a time so that nothing beyond the limit is pulled in. */
  private static final class CappedSubscriber implements HttpResponse.BodySubscriber<byte[]> {
    private final long maxBytes;
    private final long declaredBytes;
    private final ByteArrayOutputStream buffer;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedSubscriber(long maxBytes, long declaredBytes) {
      this.maxBytes = maxBytes;
      this.declaredBytes = declaredBytes;
      int initial = declaredBytes >= 0 && declaredBytes <= maxBytes ? (int) declaredBytes : 8192;
      this.buffer = new ByteArrayOutputStream(Math.max(initial, 32));
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (declaredBytes > maxBytes) {
        subscription.cancel();
        body.completeExceptionally(new ResponseTooLargeException(maxBytes));
        return;
      }
      subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (body.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        int length = item.remaining();
        if (buffer.size() + (long) length > maxBytes) {
          subscription.cancel();
          body.completeExceptionally(new ResponseTooLargeException(maxBytes));
          return;
        }
        byte[] chunk = new byte[length];
        item.get(chunk);
        buffer.write(chunk, 0, length);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
      body.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      body.complete(buffer.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }
  }
}
