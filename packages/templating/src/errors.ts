/**
 * Errors of template rendering. None is retryable: the same template with the same
 * input fails the same way, so the messaging edge parks the job instead of retrying.
 */
export class TemplateRenderError extends Error {
  override readonly name: string = 'TemplateRenderError';
  readonly retryable = false;
}

/** The template uses a construct the sandbox does not offer (a macro, a method, a filter …). */
export class TemplateNotAllowedError extends TemplateRenderError {
  override readonly name = 'TemplateNotAllowedError';
}

/** A render ran past its step, time or output budget (see RenderLimits). */
export class TemplateBudgetError extends TemplateRenderError {
  override readonly name = 'TemplateBudgetError';
}
