import type { Sequelize } from 'sequelize';
import { Membership } from './membership';
import { Organization } from './organization';
import { Product } from './product';
import { Role } from './role';
import { User } from './user';

export { Membership, MEMBERSHIP_ROLES, type MembershipRole } from './membership';
export { Organization } from './organization';
export { Product } from './product';
export { Role } from './role';
export { User } from './user';

export interface Models {
  User: typeof User;
  Organization: typeof Organization;
  Membership: typeof Membership;
  Role: typeof Role;
  Product: typeof Product;
}

/**
 * Binds every model to `sequelize` and declares the associations.
 * The schema itself is owned by the migrations: never call `sequelize.sync()`. Every model is
 * `underscored`: camelCase attributes (`organizationId`, `createdAt`) over the snake_case columns the
 * migrations create (`organization_id`, `created_at`); `where` and foreign keys use the attributes.
 */
export function initModels(sequelize: Sequelize): Models {
  User.initModel(sequelize);
  Organization.initModel(sequelize);
  Membership.initModel(sequelize);
  Role.initModel(sequelize);
  Product.initModel(sequelize);

  User.hasMany(Membership, { foreignKey: 'userId', as: 'memberships' });
  Organization.hasMany(Membership, { foreignKey: 'organizationId', as: 'memberships' });
  Membership.belongsTo(User, { foreignKey: 'userId', as: 'user' });
  Membership.belongsTo(Organization, { foreignKey: 'organizationId', as: 'organization' });

  User.belongsToMany(Organization, {
    through: Membership,
    foreignKey: 'userId',
    otherKey: 'organizationId',
    as: 'organizations',
  });
  Organization.belongsToMany(User, {
    through: Membership,
    foreignKey: 'organizationId',
    otherKey: 'userId',
    as: 'members',
  });

  return { User, Organization, Membership, Role, Product };
}
