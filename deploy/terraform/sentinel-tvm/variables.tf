variable "name_prefix" {
  description = "Prefix for every name this module creates (tables, function, API, roles it owns)."
  type        = string
  default     = "sentinel"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,30}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and have at most 31 letters, digits or dashes."
  }
}

variable "lambda_jar_path" {
  description = "Path to the TVM's deployment jar (the shaded jar with the Lambda entry point)."
  type        = string
}

variable "lambda_handler" {
  description = "The Lambda handler: class and method of the TVM entry point."
  type        = string
  default     = "dev.sentinel.lambda.TvmHandler::handleRequest"
}

variable "lambda_runtime" {
  description = "The Java runtime of the function."
  type        = string
  default     = "java21"

  validation {
    condition     = contains(["java17", "java21"], var.lambda_runtime)
    error_message = "lambda_runtime must be java17 or java21."
  }
}

variable "lambda_architecture" {
  description = "The instruction set of the function: x86_64 or arm64."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be x86_64 or arm64."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of the function in MB (CPU grows with it; the JVM starts faster with more)."
  type        = number
  default     = 1024
}

variable "lambda_timeout_seconds" {
  description = "Longest a single TVM call may run. API Gateway HTTP APIs give up after 30 seconds."
  type        = number
  default     = 15

  validation {
    condition     = var.lambda_timeout_seconds >= 3 && var.lambda_timeout_seconds <= 29
    error_message = "lambda_timeout_seconds must be between 3 and 29."
  }
}

variable "protected_roles" {
  description = "Roles this module creates for the TVM to assume, keyed by the AWS profile name callers ask for. Their trust policy allows only the TVM role, only with a Sentinel SourceIdentity."
  type = map(object({
    role_name            = string
    managed_policy_arns  = optional(list(string), [])
    max_session_duration = optional(number, 3600)
  }))
  default = {}
}

variable "existing_protected_roles" {
  description = "Roles managed elsewhere, keyed by profile name (value: role ARN). Give each the trust policy in output protected_role_trust_policy_json."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for arn in values(var.existing_protected_roles) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "existing_protected_roles values must be IAM role ARNs."
  }
}

variable "policy_parameter_prefix" {
  description = "SSM path under which the access policies live: <prefix>/<profile>."
  type        = string
  default     = "/sentinel/policies"

  validation {
    condition     = can(regex("^/[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*$", var.policy_parameter_prefix))
    error_message = "policy_parameter_prefix must start with '/' and not end with one."
  }
}

variable "registry_parameter_prefix" {
  description = "SSM path under which the TVM's profile registry parameter is written: <prefix>/<name_prefix>."
  type        = string
  default     = "/sentinel/registry"

  validation {
    condition     = can(regex("^/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.registry_parameter_prefix))
    error_message = "registry_parameter_prefix must start with / and must not end with /."
  }
}

variable "signature_parameter_prefix" {
  description = "SSM path under which policy signatures live."
  type        = string
  default     = "/sentinel/signatures"

  validation {
    condition     = can(regex("^/[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*$", var.signature_parameter_prefix))
    error_message = "signature_parameter_prefix must start with '/' and not end with one."
  }
}

variable "workflow_parameter_prefix" {
  description = "SSM path under which the approval and break-glass policies are written: <prefix>/<name_prefix>/approvals and <prefix>/<name_prefix>/breakglass."
  type        = string
  default     = "/sentinel/workflows"

  validation {
    condition     = can(regex("^/[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*$", var.workflow_parameter_prefix))
    error_message = "workflow_parameter_prefix must start with '/' and not end with one."
  }
}

variable "approval_policy" {
  description = "The approval policy (YAML, docs/approvals.md) that approved requests in the requests table must still satisfy for the function to honour them. Null: the function honours no approvals, so require_approval profiles are refused."
  type        = string
  default     = null
}

variable "breakglass_policy" {
  description = "The break-glass policy (YAML, docs/breakglass.md) that active events in the breakglass table must still satisfy for the function to honour them. Null: the function honours no break-glass events."
  type        = string
  default     = null
}

variable "policy_signing_kms_key_arn" {
  description = "ARN of the KMS key that signs policies; when set, the TVM may call kms:Verify with it and requires signed policies."
  type        = string
  default     = null
}

variable "table_kms_key_arn" {
  description = "ARN of a customer managed KMS key for the tables' encryption at rest; null uses the AWS managed key for DynamoDB."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "How long the function's and the API's logs are kept."
  type        = number
  default     = 365
}

variable "api_throttling_burst_limit" {
  description = "Burst limit of the API's default route settings."
  type        = number
  default     = 50
}

variable "api_throttling_rate_limit" {
  description = "Steady requests per second of the API's default route settings."
  type        = number
  default     = 20
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
