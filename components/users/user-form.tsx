'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useFieldArray, useForm, useWatch, type FieldPath } from 'react-hook-form';
import { toast } from 'sonner';
import { z } from 'zod';
import { ROLE_LEVEL, ROLES, type Role } from '@/lib/auth/policy';
import { api, ApiError } from '@/lib/client/api';
import { ZCreateUserBody, ZPassword, ZRoleBinding } from '@/lib/schemas/identity';
import type { TUser } from '@/lib/schemas/identity';
import type { TScope } from '@/lib/schemas/registry';
import { roleLabel } from '@/components/audit/format';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { DialogClose, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { Switch } from '@/components/ui/switch';
import { Writable } from '@/components/shell/live-context';

/** A scope the editor may grant roles at. */
export type GrantableScope = Pick<TScope, 'id' | 'name' | 'level'>;

// one shape for both dialogs; a new user needs an email and a password, an edit may leave the password empty
const ZNewUser = z.object({
  email: ZCreateUserBody.shape.email,
  name: ZCreateUserBody.shape.name,
  password: ZPassword,
  disabled: z.boolean(),
  roles: z.array(ZRoleBinding),
  currentPassword: z.string(),
  revokeTokens: z.boolean(),
});
const ZEditUser = ZNewUser.extend({ email: z.string(), password: ZPassword.or(z.literal('')) });
type Values = z.infer<typeof ZNewUser>;

const fits = (role: Role, scope: GrantableScope) => !ROLE_LEVEL[role] || ROLE_LEVEL[role] === scope.level;

/**
 * Create a user, or change one: name, password, disabled and the roles within your reach (the list
 * replaces them). Scopes offered are those you may grant at; the server decides again and its errors
 * show beside the field they name.
 */
export function UserForm({ user, self, scopes, onDone }: { user: TUser | null; self: boolean; scopes: GrantableScope[]; onDone(): void }) {
  const form = useForm<Values>({
    resolver: zodResolver(user ? ZEditUser : ZNewUser),
    defaultValues: user
      ? { email: user.email, name: user.name, password: '', disabled: user.disabled, roles: user.roles, currentPassword: '', revokeTokens: false }
      : { email: '', name: '', password: '', disabled: false, roles: scopes.length ? [{ role: 'member', scopeId: scopes[0].id }] : [], currentPassword: '', revokeTokens: false },
  });
  const { register, control, handleSubmit, setError, setValue, formState } = form;
  const { errors, isSubmitting } = formState;
  const roles = useFieldArray({ control, name: 'roles' });
  const [bindings, disabled, newPassword, revokeTokens] = useWatch({ control, name: ['roles', 'disabled', 'password', 'revokeTokens'] });
  const grantable = ROLES.filter((r) => scopes.some((s) => fits(r, s)));

  async function submit(v: Values) {
    try {
      if (user) {
        // changing your own password takes the current one (the server checks it, and throttles guesses)
        if (self && v.password && !v.currentPassword) return setError('currentPassword', { message: 'Enter your current password to change it' });
        await api.patch(`/users/${user.id}`, {
          name: v.name,
          ...(v.password && { password: v.password, revokeTokens: v.revokeTokens, ...(self && { currentPassword: v.currentPassword }) }),
          ...(!self && { disabled: v.disabled, roles: v.roles }),
        });
        toast.success(`${v.name} saved`);
      } else {
        await api.post('/users', { email: v.email, name: v.name, password: v.password, roles: v.roles });
        toast.success(`${v.name} can now sign in`);
      }
      onDone();
    } catch (err) {
      const field = err instanceof ApiError && err.field && /^(email|name|password|currentPassword|roles(\.\d+\.(role|scopeId))?)$/.test(err.field) ? err.field : 'root';
      setError(field as FieldPath<Values>, { message: (err as Error).message });
    }
  }

  return (
    <form onSubmit={handleSubmit(submit)} noValidate className="space-y-4">
<Writable className="space-y-4">
      {!user && (
        <Field id="user-email" label="Email" error={errors.email?.message}>
          {(p) => <Input {...p} {...register('email')} type="email" autoComplete="off" />}
        </Field>
      )}
      <Field id="user-name" label="Name" error={errors.name?.message}>
        {(p) => <Input {...p} {...register('name')} autoComplete="off" />}
      </Field>
      <Field id="user-password" label={user ? 'New password' : 'Password'} hint={user ? 'Leave empty to keep the current one. At least 12 characters.' : 'At least 12 characters.'} error={errors.password?.message}>
        {(p) => <Input {...p} {...register('password')} type="password" autoComplete="new-password" />}
      </Field>
      {user && self && newPassword && (
        <Field id="user-current-password" label="Current password" error={errors.currentPassword?.message}>
          {(p) => <Input {...p} {...register('currentPassword')} type="password" autoComplete="current-password" />}
        </Field>
      )}
      {user && newPassword && (
        <div className="flex items-center justify-between gap-3">
          <div>
            <label htmlFor="user-revoke-tokens" className="text-sm font-medium">
              Also revoke API tokens
            </label>
            <p id="user-revoke-tokens-hint" className="text-xs text-zinc-600 dark:text-zinc-400">
              A new password ends every browser session of {self ? 'yours' : 'this user'}; this also stops {self ? 'your' : 'their'} API tokens.
            </p>
          </div>
          <Switch id="user-revoke-tokens" aria-describedby="user-revoke-tokens-hint" checked={revokeTokens} onCheckedChange={(on) => setValue('revokeTokens', on, { shouldDirty: true })} />
        </div>
      )}

      {user && (
        <div className="flex items-center justify-between gap-3">
          <div>
            <label htmlFor="user-disabled" className="text-sm font-medium">
              Account disabled
            </label>
            <p id="user-disabled-hint" className="text-xs text-zinc-600 dark:text-zinc-400">
              A disabled user cannot sign in, and their API tokens stop working.
            </p>
          </div>
          <Switch id="user-disabled" aria-describedby="user-disabled-hint" checked={disabled} onCheckedChange={(on) => setValue('disabled', on, { shouldDirty: true })} disabled={self} />
        </div>
      )}

      <fieldset className="space-y-2" disabled={self}>
        <legend className="text-sm font-medium">Roles</legend>
        {self && <p className="text-xs text-zinc-600 dark:text-zinc-400">You cannot change your own roles or disable yourself.</p>}
        {roles.fields.length === 0 && <p className="text-xs text-zinc-600 dark:text-zinc-400">No roles: only platform admins will see this user.</p>}
        {roles.fields.map((f, i) => {
          const { role, scopeId } = bindings[i] ?? f;
          const options = scopes.filter((s) => fits(role, s));
          const problem = errors.roles?.[i]?.scopeId?.message ?? errors.roles?.[i]?.role?.message;
          return (
            <div key={f.id} className="space-y-1">
              <div className="flex flex-wrap items-center gap-2 sm:flex-nowrap">
                <label htmlFor={`role-${i}`} className="sr-only">
                  Role {i + 1}
                </label>
                <Select
                  id={`role-${i}`}
                  {...register(`roles.${i}.role`, {
                    // a role bound to another level needs another scope
                    onChange: (e) => {
                      const next = e.target.value as Role;
                      if (!scopes.some((s) => s.id === scopeId && fits(next, s))) setValue(`roles.${i}.scopeId`, scopes.find((s) => fits(next, s))?.id ?? '');
                    },
                  })}
                  className="sm:w-44"
                >
                  {/* a role held outside what you may grant still shows */}
                  {!grantable.includes(role) && <option value={role}>{roleLabel(role)}</option>}
                  {grantable.map((r) => (
                    <option key={r} value={r}>
                      {roleLabel(r)}
                    </option>
                  ))}
                </Select>
                <label htmlFor={`scope-${i}`} className="sr-only">
                  Scope {i + 1}
                </label>
                <Select id={`scope-${i}`} {...register(`roles.${i}.scopeId`)} aria-invalid={problem ? true : undefined} aria-describedby={problem ? `role-${i}-error` : undefined} className="min-w-0 flex-1">
                  {!options.some((s) => s.id === scopeId) && <option value={scopeId}>{scopeId}</option>}
                  {[...new Set(options.map((s) => s.level))].map((level) => (
                    <optgroup key={level} label={level}>
                      {options
                        .filter((s) => s.level === level)
                        .map((s) => (
                          <option key={s.id} value={s.id}>
                            {s.name} ({s.id})
                          </option>
                        ))}
                    </optgroup>
                  ))}
                </Select>
                <Button variant="ghost" size="sm" onClick={() => roles.remove(i)}>
                  Remove<span className="sr-only"> role {i + 1}</span>
                </Button>
              </div>
              {problem && (
                <p id={`role-${i}-error`} className="text-sm text-red-700 dark:text-red-400">
                  {problem}
                </p>
              )}
            </div>
          );
        })}
        {grantable.length > 0 && (
          <Button size="sm" onClick={() => roles.append({ role: 'member', scopeId: scopes[0].id })}>
            Add role
          </Button>
        )}
        {errors.roles?.message && <p className="text-sm text-red-700 dark:text-red-400">{errors.roles.message}</p>}
      </fieldset>

      {errors.root && <Alert tone="danger">{errors.root.message}</Alert>}
      <DialogFooter>
        <DialogClose asChild>
          <Button>Cancel</Button>
        </DialogClose>
        <Button type="submit" variant="primary" pending={isSubmitting}>
          {user ? 'Save changes' : 'Create user'}
        </Button>
      </DialogFooter>
    </Writable>
</form>
  );
}
