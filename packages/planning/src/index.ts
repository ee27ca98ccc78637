export { planWorkflow, type PlanInput, type PlanResult, type ResourceTypeInfo, type TemplateBody } from './plan-workflow.js';
export { workflowJobs, type Action, type JobSkeleton } from './workflows.js';
export { crossDependencies, type PendingView } from './dependencies.js';
export { jobId, jobName, jobSuffix, parseJobId } from './job-ids.js';
