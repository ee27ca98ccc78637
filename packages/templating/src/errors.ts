/**
 * Errors of template rendering. None is retryable: the same template with the same
 * input fails the same way, so the messaging edge parks the job instead of retrying.
 */
import { ClassifiedError } from '@esi/errors';

export class TemplateRenderError extends ClassifiedError {
  readonly retryable = false;
}

/** The template uses a construct the sandbox does not offer (a macro, a method, a filter …). */
export class TemplateNotAllowedError extends TemplateRenderError {}

/** A render ran past its step, time or output budget (see RenderLimits). */
export class TemplateBudgetError extends TemplateRenderError {}
