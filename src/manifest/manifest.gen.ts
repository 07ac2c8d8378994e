/* GENERATED from schema/integration.schema.json by `npm run gen:types` (json-schema-to-typescript). Do not edit. */

/**
 * One permission on projects inside CRM. create, edit and delete need view.
 */
export type Permission = 'view' | 'create' | 'edit' | 'delete';
/**
 * A set of permissions: any of view, create, edit, delete; [] means no access; create/edit/delete need view. On a user, it overrides the permissions the user's CRM profile gives.
 */
export type Permissions = Permission[];

/**
 * zpi manifest (apiVersion zpi/v1): the desired state of one Zoho CRM org's Zoho Projects integration.
 */
export interface ZpiManifest {
  /**
   * Manifest format version. Always "zpi/v1".
   */
  apiVersion: 'zpi/v1';
  /**
   * What this manifest describes. Always "ProjectsIntegration".
   */
  kind: 'ProjectsIntegration';
  /**
   * The Zoho CRM org id this manifest governs (Setup > Company Details). plan refuses to run against any other org. Quote it: it is a string of digits.
   */
  org: string;
  /**
   * Zoho data centre of the org (overridden by ZOHO_DC). Decides the accounts/API/Projects domains.
   */
  dc?: 'com' | 'eu' | 'in' | 'com.au' | 'jp' | 'ca' | 'sa' | 'com.cn';
  /**
   * active: the integration is configured as below. deactivated: Zoho Projects is deactivated for the org (disassociates every portal and project; destructive).
   */
  state?: 'active' | 'deactivated';
  portal?: Portal;
  /**
   * Permissions on projects inside CRM per CRM profile name (exact, case-sensitive). Profiles not listed are left as they are.
   */
  profiles?: {
    [k: string]: Permissions;
  };
  /**
   * CRM users given access to projects inside CRM. Authoritative: users not listed lose access. Required when state is active: write users: [] to give nobody access. Only active, confirmed users; never the portal owner.
   */
  users?: User[];
}
/**
 * The one Zoho Projects portal associated to the CRM org (Zoho allows exactly one). Give its name or its id (both given: they must match). One of name or id is required.
 */
export interface Portal {
  /**
   * Portal name as shown in Zoho Projects.
   */
  name?: string;
  /**
   * Portal id (digits, quoted).
   */
  id?: string;
  /**
   * Zoho Service Communication key of the portal, as an environment variable reference such as ${ZPI_ZSC_KEY}. Never the key itself. Needed only when a step (re)associates the portal. Generate it in Zoho Projects: Settings > Company Settings > Zoho Service Communication (ZSC) Key.
   */
  zscKey?: string;
  /**
   * The email address the ZSC key belongs to (the portal owner's).
   */
  zscEmail?: string;
}
/**
 * A CRM user given access to projects inside CRM.
 */
export interface User {
  /**
   * The user's CRM email (compared case-insensitively).
   */
  email: string;
  permissions?: Permissions;
  /**
   * Optional: the user's access ends after this day (UTC); from then on the user counts as not listed, and the next apply revokes the access. A calendar date written YYYY-MM-DD, like 2027-01-31.
   */
  expires?: string;
}
