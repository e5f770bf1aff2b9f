/**
 * Keeps a rendering fault from leaving a blank wall for days: shows what happened and tries again
 * a little later, when the next snapshot may well render.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

const RETRY_MS = 10_000;

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('wall render failed', error, info.componentStack);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.setState({ error: null }), RETRY_MS);
  }

  override componentWillUnmount(): void {
    clearTimeout(this.retryTimer);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <main className="simple-page" role="alert">
        <h1>The display hit an error</h1>
        <p>It will try again in a few seconds. ({this.state.error.message})</p>
      </main>
    );
  }
}
