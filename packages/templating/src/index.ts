// The public surface of @esi/templating: catalog templates (Jinja text an admin wrote)
// rendered in a sandbox with a budget, and into YAML whose shape values cannot change.
export { renderTemplate, type TextRenderOptions } from './render.js';
export { renderYamlTemplate, type RenderedYaml, type YamlOptions } from './yaml-safe.js';
export { templateLoopVariables } from './loop-variables.js';
export { DEFAULT_RENDER_LIMITS, type RenderLimits } from './limits.js';
export { TemplateRenderError, TemplateNotAllowedError, TemplateBudgetError } from './errors.js';
