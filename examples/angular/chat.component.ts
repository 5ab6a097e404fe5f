/**
 * A component reading PeerService through signals only, so it needs nothing beyond
 * @angular/core. docs/angular.md shows the same with the `async` pipe (AsyncPipe, from
 * @angular/common). Its template is checked by Angular's compiler in an app, not here.
 */
import { ChangeDetectionStrategy, Component, computed, inject, signal } from "@angular/core";
import { PeerService } from "./peer.service.js";

@Component({
  selector: "app-chat",
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p>Connection: {{ peer.connectionState() }}</p>
    @for (text of peer.texts(); track $index) {
      <p>{{ text }}</p>
    }
    <input #box [disabled]="!peer.connected()" (keyup.enter)="say(box.value); box.value = ''" />
    @if (error()) {
      <p class="error">{{ error() }}</p>
    }
  `,
})
export class ChatComponent {
  protected readonly peer = inject(PeerService);
  private readonly sendError = signal<string | undefined>(undefined);
  /** The last problem to show: a failed send here, else the peer's last error. */
  protected readonly error = computed(() => this.sendError() ?? this.peer.lastError()?.code);

  protected say(text: string): void {
    try {
      this.peer.send(text);
      this.sendError.set(undefined);
    } catch (error) {
      this.sendError.set(error instanceof Error ? error.message : String(error));
    }
  }
}
