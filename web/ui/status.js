// The two message areas under the file picker: a polite status line for
// progress and results, and an alert for errors (announced at once by screen
// readers).

export class StatusArea {
  #status;
  #error;

  constructor(statusElement, errorElement) {
    this.#status = statusElement;
    this.#error = errorElement;
  }

  busy(text) {
    this.#hideError();
    this.#status.textContent = text;
    this.#status.dataset.state = 'busy';
  }

  done(text) {
    this.#hideError();
    this.#status.textContent = text;
    this.#status.dataset.state = 'done';
  }

  error(text) {
    this.#status.textContent = '';
    delete this.#status.dataset.state;
    this.#error.textContent = text;
    this.#error.hidden = false;
  }

  #hideError() {
    this.#error.hidden = true;
    this.#error.textContent = '';
  }
}
