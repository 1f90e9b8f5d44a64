/** Diagnostic codes routing/ reports while building a RouteTable. */
export const CODES = {
  SDEP_ROUTE_WEIGHT_INVALID: 'a Mapping weight is not a number between 0 and 100; the Mapping is left out',
  SDEP_ROUTE_WEIGHT_SUM: 'explicit weights of a group total over 100; the whole group is left out',
  SDEP_ROUTE_UNROUTED:
    'weights of a group total under 100 with no unweighted Mapping; the rest falls through',
  SDEP_ROUTE_SHADOW_ORPHAN: 'a shadow Mapping matches no group of ordinary Mappings; it mirrors nothing',
  SDEP_ROUTE_SHADOW_EXTRA: 'a group has more than one shadow Mapping; the extra ones are left out',
  SDEP_ROUTE_GROUP_MISMATCH:
    'a Mapping differs from its group in a setting that must be identical (circuit_breakers, connect_timeout_ms, load_balancer); it is left out',
  SDEP_ROUTE_REGEX_INVALID:
    'a prefix_regex, regex_headers or regex_query_parameters value is not a valid regex',
  SDEP_ROUTE_DUPLICATE_MAPPING: 'two Mappings have the same name and namespace; the later one is left out',
  SDEP_ROUTE_RETRY_INVALID:
    'a retry_policy cannot be used (no retry_on, bad num_retries or per_try_timeout); no retries',
  SDEP_ROUTE_MAPPING_INVALID: 'a Mapping lacks a usable prefix or service; it is left out',
} as const;

export type RoutingCode = keyof typeof CODES;
