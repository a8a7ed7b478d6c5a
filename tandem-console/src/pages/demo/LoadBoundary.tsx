// A lazily loaded page whose chunk cannot be fetched (offline, or a new deployment replaced the hashed files) would
// otherwise leave the page blank: this boundary says what happened and offers a reload instead.
import { Component, type ReactNode } from 'react';
import { ErrorBox } from '../../components/common';

export class LoadBoundary extends Component<{ what: string; children: ReactNode }, { error: unknown }> {
  state = { error: null as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  render() {
    if (this.state.error) {
      return (
        <ErrorBox error={new Error(`The ${this.props.what} could not be loaded (${this.state.error instanceof Error
          ? this.state.error.message : String(this.state.error)}); reload the page to try again.`)}
          onRetry={() => window.location.reload()} />
      );
    }
    return this.props.children;
  }
}
